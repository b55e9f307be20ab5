/*
 * tcp_persona - the binding table's storage: slots read without a lock
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE, internal to tp_bind*.c. Open addressing: a UE's slot holds its
 * Contact (the key) and everything a request's lookup reads, 48 bytes, so
 * a lookup is one read from memory. Readers take no lock: each slot has a
 * sequence number, odd while a writer changes it, and table-wide ones
 * count removals that move slots back (linear probing without
 * tombstones) and changes of a source's list. A probe by contact scans
 * two bytes per slot, a tag of its key and the lanes its source counts
 * use, and reads the slots whose tag matches. A probe by contact that
 * hits needs no more; one that misses holds only if no slot moved
 * meanwhile, a probe by source only if neither count changed: else it is
 * retried. Writers hold the table's one
 * lock. What only walks, the RPC and REGISTERs read (User-Agent, AoR, a
 * source IP that is not the Contact's) is out of line, read under the
 * lock only. A second, smaller array finds the UE registered last from a
 * source address; the UEs of one source are listed through their
 * out-of-line parts.
 */

#ifndef TP_BIND_STORE_H
#define TP_BIND_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_sys.h"
#include "tp_addr.h"
#include "tp_intern.h"
#include "tp_rules.h"

#define TP_F_OBSERVE 1 /* its rule is observe-only */
#define TP_F_PASS 2	   /* re-classified in the pass of this parity */
#define TP_F_SRC_IP 4  /* the source IP is not the Contact's: out of line */
#define TP_F_BY_SRC 8  /* the source is not the Contact: in the source index */
#define TP_F_MODE_SHIFT 4 /* bits 4..6: the UE's tp_mode_t */
#define TP_F_MODE (7 << TP_F_MODE_SHIFT)

/* what only the lock's holders read */
typedef struct tp_bind_cold
{
	/* shared by the UEs of one domain and User-Agent (one pointer, not
	 * two: the part fits a 48-byte block): [its length][the AoR from its
	 * last '@' on][the User-Agent] */
	tp_istr_t *names;
	uint32_t src_older; /* slot + 1 of the UE registered from the same
						 * source before this one, 0: none */
	uint32_t src_newer; /* ... after it, 0: this one is the newest */
	uint8_t src_af;
	uint8_t aor_len; /* bytes of the AoR before the domain */
	char tail[];	 /* [16 bytes of source IP] [AoR head] */
} tp_bind_cold_t;

/* a UE's slot; af 0 in contact: empty */
typedef struct tp_bind_ue
{
	uint32_t seq; /* odd while a writer changes the slot */
	uint32_t expires;
	tp_addr_t contact;
	uint8_t flags; /* TP_F_*, and the mode */
	uint8_t node;  /* the P-CSCF it came from, 0: this one */
	/* the slot's, not its UE's (kept when UEs move): how many UEs
	 * registered from an address whose home is this slot, in four
	 * counts of 4 bits (15: maybe more), one per lane, two bits of the
	 * address's hash. A lookup by destination whose lane counts 0 needs
	 * no lookup by source when it misses: a single count would send
	 * every second miss there in a full table, lanes one in six */
	uint16_t src_here;
	uint16_t src_port;
	uint16_t rule_no; /* 0: no rule, else the table's name rule_no - 1 */
	int32_t reg_conn_id;
	tp_bind_cold_t *cold;
} tp_bind_ue_t;

/* words 1..5 are copied as 8-byte atomics, word 0 as seq and expires */
typedef union tp_bind_slot
{
	tp_bind_ue_t u;
	uint64_t w[6];
} tp_bind_slot_t;

_Static_assert(sizeof(tp_bind_slot_t) == 48 && sizeof(tp_bind_ue_t) <= 48,
		"a slot is 48 bytes");
_Static_assert(TP_MODE_COUNT <= 8, "a mode fits TP_F_MODE");

static inline tp_mode_t tp_slot_mode(const tp_bind_slot_t *c)
{
	return (tp_mode_t)((c->u.flags & TP_F_MODE) >> TP_F_MODE_SHIFT);
}

static inline void tp_slot_set_mode(tp_bind_slot_t *c, tp_mode_t mode)
{
	c->u.flags = (uint8_t)((c->u.flags & ~TP_F_MODE)
						   | (((unsigned)mode << TP_F_MODE_SHIFT) & TP_F_MODE));
}

#define TP_BIND_NAMES 1024 /* rule names a table keeps (never forgotten) */
#define TP_BIND_KEYS 8	   /* the hash's secret words: contacts', sources' */

struct tp_bind_table
{
	/* read by every lookup, written only at creation */
	tp_bind_slot_t *s;
	/* two bytes per slot. The low one: 0 empty, else 0x80 | 7 bits of
	 * its key's hash; a probe scans these (32 slots a cache line) and
	 * reads only the slots whose tag matches. The high one: bit l set
	 * when lane l of the slot's src_here counts a UE. So a miss costs a
	 * line of tags (a 2.7 MB array for a million UEs, mostly in cache),
	 * neither the cluster's slots nor its home slot's */
	uint16_t *tags;
	uint64_t *by_src; /* (fingerprint << 32) | (slot + 1), 0: empty */
	char (*names)[TP_NAME_MAX + 1];
	tp_intern_t *strs;
	uint32_t slots; /* of both arrays */
	uint32_t cap;	/* UEs it may hold: 3/4 of the slots */
	/* random: the hash's keys, [0..3] contacts', [4..7] sources' */
	uint64_t key[TP_BIND_KEYS];
	/* changes that can make a probe go wrong, counted (odd while one
	 * runs): [TP_MOVES_SLOTS] a removal moving slots back, [TP_MOVES_SRC]
	 * a source's entry or list changing. A line of their own */
	uint32_t moves[2] __attribute__((aligned(64)));
	/* the writers' */
	tp_lock_t lock __attribute__((aligned(64)));
	uint32_t count;
	uint32_t moves_depth[2]; /* nested changes that count as one */
	uint32_t n_names;
	uint8_t pass; /* parity of the last re-classification */
};

typedef struct tp_bind_table tp_bind_table_t;

#define TP_MOVES_SLOTS 0
#define TP_MOVES_SRC 1

/* the lookups' retry result: a writer moved slots meanwhile */
#define TP_STORE_RETRY (-2)
/* an optimistic lookup found a UE it cannot read without the lock */
#define TP_STORE_LOCKED (-3)

/*! \return a table for cap UEs, or NULL */
tp_bind_table_t *tp_store_create(uint32_t cap);

/*! the lane of a's count in its home slot's src_here (4 bits at 4 *
 * lane) */
unsigned tp_store_lane(tp_bind_table_t *t, const tp_addr_t *a);

/*! the tag a's slot would have */
uint8_t tp_store_tag(tp_bind_table_t *t, const tp_addr_t *a);

/*! a consistent copy of slot i; \return 1, or 0 when a writer is at it */
int tp_store_read(tp_bind_table_t *t, uint32_t i, tp_bind_slot_t *c);

/*! whether slot i holds a UE now (one read, no copy: walks skip empty
 * slots with it) */
int tp_store_full(tp_bind_table_t *t, uint32_t i);

/*! the slot of contact: \return its index (with its copy in *c), -1
 * absent, TP_STORE_RETRY. Without the lock, or with it (never retries).
 * no_src (may be NULL): set to 1 when no UE registered from contact
 * either (a lookup by source would miss) */
int tp_store_probe(tp_bind_table_t *t, const tp_addr_t *contact,
		tp_bind_slot_t *c, int *no_src);

#ifdef TP_TEST_HOOKS
/*! unit tests only (the benchmarks measure the module's code): called by
 * tp_store_probe() right after it read slot i's
 * tag, so that a test can change the table at that point of a probe */
extern void (*tp_store_probe_hook)(tp_bind_table_t *t, uint32_t i);
#endif

/*! the slot of the UE registered last from src (the head of its list);
 * \return as tp_store_probe, or TP_STORE_LOCKED when the source IP is
 * out of line and the caller does not hold the lock (locked 0) */
int tp_store_probe_src(tp_bind_table_t *t, const tp_addr_t *src,
		tp_bind_slot_t *c, int locked);

/*! whether c's UE registered from src (the lock held when its source IP
 * is out of line) */
int tp_store_source_is(const tp_bind_slot_t *c, const tp_addr_t *src);

/*! whether c's UE registered from src's IP (likewise) */
int tp_store_source_ip_is(const tp_bind_slot_t *c, const tp_addr_t *src);

/*! c's source address (likewise; inline: every lookup's copy reads it) */
static inline void tp_store_source(const tp_bind_slot_t *c, tp_addr_t *src)
{
	if(c->u.flags & TP_F_SRC_IP) {
		memset(src, 0, sizeof(*src));
		src->af = c->u.cold->src_af;
		memcpy(src->ip, c->u.cold->tail, 16);
	} else {
		*src = c->u.contact;
	}
	src->port = c->u.src_port;
}

/* ---- writers: with the table's lock held ---- */

/*! the number of rule name (1-based), added if new; 0 for ""; -1 when
 * the table keeps TP_BIND_NAMES names already */
int tp_store_name_no(tp_bind_table_t *t, const char *name);

extern const char tp_store_no_name[TP_NAME_MAX + 1];

/*! the name of rule_no, "" for 0 or one unknown (no lock needed): always
 * TP_NAME_MAX + 1 bytes, NUL-padded */
static inline const char *tp_store_name(tp_bind_table_t *t, uint16_t rule_no)
{
	if(rule_no == 0 || rule_no > __atomic_load_n(&t->n_names, __ATOMIC_ACQUIRE))
		return tp_store_no_name;
	return t->names[rule_no - 1];
}

/*! writes v (seq ignored) to the slot of v's contact, new or not, and
 * lists it in its source's list; \return 0, or -1 when the table is full */
int tp_store_put(tp_bind_table_t *t, const tp_bind_slot_t *v);

/*! writes v over slot i, which holds v's contact: same source (the
 * lists are not touched), new fields */
void tp_store_rewrite(tp_bind_table_t *t, uint32_t i, const tp_bind_slot_t *v);

/*! empties slot i, taking it out of its source's list (its cold part is
 * the caller's to free) */
void tp_store_remove(tp_bind_table_t *t, uint32_t i);

/*! the UEs registered from c's source, newest first: the one after c's
 * (its slot, with its copy in *older), -1 at the end */
int tp_store_src_older(tp_bind_table_t *t, const tp_bind_slot_t *c,
		tp_bind_slot_t *older);

/*! the User-Agent of a cold part's names, and its length */
static inline const char *tp_names_ua(const tp_istr_t *names, size_t *len)
{
	size_t d = (uint8_t)names->s[0];

	*len = names->len - 1 - d;
	return names->s + 1 + d;
}

/*! the User-Agent of a cold part, and its length */
static inline const char *tp_cold_ua(const tp_bind_cold_t *cold, size_t *len)
{
	return tp_names_ua(cold->names, len);
}

/*! the AoR's domain ('@' on) of a cold part, and its length */
static inline const char *tp_cold_domain(
		const tp_bind_cold_t *cold, size_t *len)
{
	*len = (uint8_t)cold->names->s[0];
	return cold->names->s + 1;
}

/*! the slot a UE of contact is looked for from (where it sits, or
 * after: linear probing) */
uint32_t tp_store_home(tp_bind_table_t *t, const tp_addr_t *contact);

/*! frees the arrays (the cold parts are the caller's) */
void tp_store_destroy(tp_bind_table_t *t);

#endif /* TP_BIND_STORE_H */

/*
 * tcp_persona - the binding table: which persona a registered UE has
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): a table in shared memory that binds a UE's
 * contact address, and the source address of its REGISTER, to its persona
 * for as long as the registration lives. Terminating requests find the UE
 * by their destination, originating ones by their source (or, on a new
 * connection, by their Contact). A lookup by contact reads one slot, with
 * no lock taken (tp_bind_store.h); the table holds a fixed number of UEs.
 * Lookups copy the binding out: no pointer into the table escapes.
 */

#ifndef TP_BIND_H
#define TP_BIND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tp_addr.h"
#include "tp_rules.h"

#define TP_AOR_MAX 127

/*! what is known of a registered UE; lookups return a copy */
typedef struct tp_binding
{
	tp_addr_t contact; /*!< host:port of the Contact */
	tp_addr_t source;  /*!< where the REGISTER came from */
	tp_mode_t mode;
	uint8_t observe; /*!< its rule is observe-only: handled as none */
	char rule[TP_NAME_MAX + 1]; /*!< empty when no rule matched */
	char aor[TP_AOR_MAX + 1];	/*!< To URI of the REGISTER (cut) */
	int reg_conn_id;			/*!< connection of the REGISTER, 0 if none */
	uint8_t node;				/*!< P-CSCF it came from, 0: this one */
	time_t expires;				/*!< absolute, seconds */
} tp_binding_t;

/*! a binding with its User-Agent, as the RPC shows it */
#define TP_BIND_UA_SHOW 512
typedef struct tp_bind_view
{
	tp_binding_t b;
	char ua[TP_BIND_UA_SHOW + 1]; /*!< NUL-terminated, cut at TP_BIND_UA_SHOW */
	size_t ua_len;				  /*!< the stored length */
} tp_bind_view_t;

/*! where a walk over the table stands */
typedef struct tp_bind_cursor
{
	unsigned int slot; /*!< the home slot walked */
	unsigned int pos;  /*!< 1: last is the contact of that home given last */
	tp_addr_t last;
} tp_bind_cursor_t;

typedef struct tp_bind_table tp_bind_table_t;

/*! \return a table that holds up to cap UEs (1 to 100,000,000), or NULL */
tp_bind_table_t *tp_bind_create(unsigned int cap);

/*! the UEs a table holds: 3/4 of 2^hash_size slots when hash_size is set
 * (not 0), else max_bindings, else (0: no limit) dflt */
unsigned int tp_bind_capacity_for(
		int hash_size, int max_bindings, unsigned int dflt);

/*! the UEs the table can hold */
unsigned int tp_bind_capacity(tp_bind_table_t *t);
void tp_bind_destroy(tp_bind_table_t *t);

/*!
 * Binds b (keyed by b->contact) or refreshes the binding of that contact.
 * ua is kept for re-classification. \return 0, -1 (no memory, or the
 * table full), or -2 (the table keeps TP_BIND_NAMES rule names already
 * and b->rule is not one of them: logged)
 */
int tp_bind_put(tp_bind_table_t *t, const tp_binding_t *b, const char *ua,
		size_t ua_len);

/*!
 * A binding another P-CSCF made (b->node, b->reg_conn_id 0): bound unless
 * this node holds one for the contact that expires as late or later,
 * unless same_node_wins and it came from b->node too (the newer REGISTER
 * wins, whichever node saw it; a node's own update replaces its binding
 * even when shorter, a copy relayed by another node does not). b->node 0
 * never replaces one that expires as late. \return 1 bound, 0 kept the
 * later one, -1 no memory or already expired
 */
int tp_bind_put_newer(tp_bind_table_t *t, const tp_binding_t *b,
		const char *ua, size_t ua_len, int same_node_wins);

/*! removes the binding of contact (expires=0); \return 1 removed, -1 none */
int tp_bind_del(tp_bind_table_t *t, const tp_addr_t *contact);

/*! removes the binding of contact only if its REGISTER came from source
 * (a registration elsewhere of the same Contact is not touched); \return 1
 * removed, -1 none or another source */
int tp_bind_del_if_source(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *source);

/*!
 * The general removal: contact's binding, if source is NULL or its REGISTER
 * came from source, if until is 0 or it expires no later than until (a
 * later registration, made since, stays), and with local_only if this node
 * made it (not a copy of another node's). \return 1 removed (its expiry in
 * *expires when not NULL), -1 none or kept
 */
int tp_bind_del_if(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *source, time_t until, int local_only, time_t *expires);

/*!
 * The UE a request is sent to: a binding whose contact, else whose source,
 * is dst. \return 1 and *out, or -1. The request lookups (get_*) leave
 * out->aor empty: the AoR is out of line (tp_bind_find reads it).
 */
int tp_bind_get_dst(tp_bind_table_t *t, const tp_addr_t *dst, time_t now,
		tp_binding_t *out);

/*!
 * The UE a request came from: the binding registered last from src, else
 * the one whose contact is src. \return 1 and *out, or -1
 */
int tp_bind_get_src(tp_bind_table_t *t, const tp_addr_t *src, time_t now,
		tp_binding_t *out);

/*!
 * The UE whose contact is `contact`, if its REGISTER came from the IP of
 * src (any port): a UE that opened a new connection names its registered
 * Contact. \return 1 and *out, or -1
 */
int tp_bind_get_by_contact_from(tp_bind_table_t *t, const tp_addr_t *contact,
		const tp_addr_t *src, time_t now, tp_binding_t *out);

/*! called with the registration connection of a reuse UE and the seconds
 * its registration has left */
typedef void (*tp_bind_reuse_f)(int conn_id, unsigned int secs, void *arg);

/*! calls f for every live reuse UE, outside the table's locks */
void tp_bind_each_reuse(
		tp_bind_table_t *t, time_t now, tp_bind_reuse_f f, void *arg);

/*! the same for part `part` of `parts` of the table's slots (each UE is in
 * exactly one part): a caller walks the whole table over `parts` calls */
void tp_bind_each_reuse_part(tp_bind_table_t *t, time_t now,
		unsigned int part, unsigned int parts, tp_bind_reuse_f f, void *arg);

/*! \return 1 when contact has a binding (live or not yet swept), else 0 */
int tp_bind_has(tp_bind_table_t *t, const tp_addr_t *contact);

/*!
 * The UE whose contact, else whose source, is addr, with its User-Agent.
 * \return 1 and *out, or -1
 */
int tp_bind_find(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out);

/*! tp_bind_find, by source first (as tp_bind_get_src) */
int tp_bind_find_src(tp_bind_table_t *t, const tp_addr_t *addr, time_t now,
		tp_bind_view_t *out);

/*!
 * Copies the next (up to n) live UEs from *cur into out and moves *cur on;
 * with out NULL it only skips them. A UE bound all along is seen exactly
 * once; one that registers during the walk may be missed. \return how many, 0 at the end
 */
unsigned int tp_bind_next(tp_bind_table_t *t, time_t now, tp_bind_cursor_t *cur,
		tp_bind_view_t *out, unsigned int n);

/*! gives a stored User-Agent its mode, whether its rule is observe-only,
 * and the rule's name (empty: none) */
typedef void (*tp_bind_classify_f)(const char *ua, size_t len, tp_mode_t *mode,
		int *observe, char *rule, size_t rule_size, void *arg);

/*!
 * Re-classifies every live UE by its stored User-Agent. f runs without the
 * table's locks, on copies; a UE that registered again meanwhile keeps what
 * its new REGISTER gave it. \return UEs re-classified; *changed: how many
 * of them changed mode or observe
 */
unsigned int tp_bind_reclassify(tp_bind_table_t *t, time_t now,
		tp_bind_classify_f f, void *arg, unsigned int *changed);

/*! removes expired bindings; \return how many */
int tp_bind_sweep(tp_bind_table_t *t, time_t now);

/*! tp_bind_sweep, also raising *max_hold_ns to the longest time it held
 * the table's lock at once (for the benchmark) */
int tp_bind_sweep_timed(tp_bind_table_t *t, time_t now, uint64_t *max_hold_ns);

/*! number of UEs bound (contacts, live or not yet swept) */
unsigned int tp_bind_count(tp_bind_table_t *t);

#endif /* TP_BIND_H */

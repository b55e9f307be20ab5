/*
 * tcp_persona - the binding table's storage: slots read without a lock
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#ifdef TP_TEST_HOOKS
#include <stdio.h>
#include <stdlib.h>
#endif

#include "tp_bind_store.h"

/* Every access to a slot or a source entry that a lock-free reader may
 * make at the same time is an atomic one: readers load with acquire (a
 * slot's closing sequence number is read after its fields), writers store
 * with release (the fields after the opening, odd, number). No fences:
 * ThreadSanitizer follows these. */

/* an index in [0, n) from a hash's high bits: any n, no division */
static uint32_t tp_reduce(uint32_t h, uint32_t n)
{
	return (uint32_t)(((uint64_t)h * n) >> 32);
}

/* an address as the slot's key words 1..3 hold it (padding and the bytes
 * an IPv4 address leaves zero), masked: compared and hashed a word at a
 * time */
typedef struct tp_key
{
	uint64_t w[3];
} tp_key_t;

/* which bits of words 1..3 are the key (not the padding, nor what
 * follows the contact) */
static const tp_bind_slot_t tp_key_bits = {.u = {.contact = {.af = 0xff,
		.port = 0xffff, .ip = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}}};

/* the contact starts word 1: the key words are the address's bytes */
typedef union tp_key_bytes
{
	tp_addr_t a;
	uint64_t w[3];
} tp_key_bytes_t;

_Static_assert(offsetof(tp_bind_ue_t, contact) == 8
					   && sizeof(tp_addr_t) <= 3 * sizeof(uint64_t),
		"the contact is the slot's words 1..3");

static void tp_key_of(const tp_addr_t *a, tp_key_t *k)
{
	tp_key_bytes_t u = {.w = {0, 0, 0}};

	u.a.af = a->af;
	u.a.port = a->port;
	if(a->af == 4)
		memcpy(u.a.ip, a->ip, 4);
	else
		memcpy(u.a.ip, a->ip, 16);
	k->w[0] = u.w[0] & tp_key_bits.w[1];
	k->w[1] = u.w[1] & tp_key_bits.w[2];
	k->w[2] = u.w[2] & tp_key_bits.w[3];
}

/* the key's hash under one of the table's secret keys: NH (a product of
 * sums, universal over the keys) folded to 64 bits, then mixed. The
 * high half gives the home (and a source's fingerprint), the low half the
 * tag and the lane: apart at any table size. Keys chosen at random when
 * the table is made: no one can compute contacts that share a home, and
 * address ranges numbered in order (a carrier's pool) spread as random
 * ones do */
static uint64_t tp_key_hash(const tp_key_t *k, const uint64_t *key)
{
	uint64_t h;
#ifdef __SIZEOF_INT128__
	unsigned __int128 p =
			(unsigned __int128)(k->w[0] + key[0]) * (k->w[1] + key[1])
			+ (unsigned __int128)(k->w[2] + key[2]) * key[3];

	h = (uint64_t)p ^ (uint64_t)(p >> 64);
#else
	/* no 128-bit product: each word keyed and mixed in turn */
	h = key[3];
	h = (h ^ k->w[0] ^ key[0]) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h = (h ^ k->w[1] ^ key[1]) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	h = (h ^ k->w[2] ^ key[2]) * 0x94d049bb133111ebull;
#endif
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 32);
}

/* the parts of a hash: the home's (high) half, the tag's and lane's */
static uint32_t tp_hash_high(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* whether slot s's words 1..3 (loaded by the caller) are key k */
static int tp_key_at(const tp_key_t *k, uint64_t w1, uint64_t w2, uint64_t w3)
{
	return (w1 & tp_key_bits.w[1]) == k->w[0]
		   && (w2 & tp_key_bits.w[2]) == k->w[1]
		   && (w3 & tp_key_bits.w[3]) == k->w[2];
}

static uint32_t tp_home_of(const tp_bind_table_t *t, const tp_key_t *k)
{
	return tp_reduce(tp_hash_high(tp_key_hash(k, t->key)), t->slots);
}

/* a slot's tag from its key's hash: 7 low bits (the home takes the high
 * half), never 0 (empty) */
static uint8_t tp_tag_of_hash(uint64_t h)
{
	return (uint8_t)(0x80 | (h & 0x7f));
}

/* a source's lane in the src_here counts: the two low bits after the
 * tag's */
static unsigned tp_lane_of_hash(uint64_t h)
{
	return (unsigned)(h >> 7) & 3;
}

/* the count of a lane in a slot's src_here */
static unsigned tp_lane_count(uint16_t here, unsigned lane)
{
	return (here >> (4 * lane)) & 15u;
}

/* an address's home slot, and its lane there */
static uint32_t tp_home_lane(
		const tp_bind_table_t *t, const tp_addr_t *a, unsigned *lane)
{
	tp_key_t k;
	uint64_t h;

	tp_key_of(a, &k);
	h = tp_key_hash(&k, t->key);
	*lane = tp_lane_of_hash(h);
	return tp_reduce(tp_hash_high(h), t->slots);
}

unsigned tp_store_lane(tp_bind_table_t *t, const tp_addr_t *a)
{
	unsigned lane;

	tp_home_lane(t, a, &lane);
	return lane;
}

uint8_t tp_store_tag(tp_bind_table_t *t, const tp_addr_t *a)
{
	tp_key_t k;

	tp_key_of(a, &k);
	return tp_tag_of_hash(tp_key_hash(&k, t->key));
}

static uint32_t tp_home(const tp_bind_table_t *t, const tp_addr_t *a)
{
	tp_key_t k;

	tp_key_of(a, &k);
	return tp_home_of(t, &k);
}

uint32_t tp_store_home(tp_bind_table_t *t, const tp_addr_t *contact)
{
	return tp_home(t, contact);
}

/* a source's hash: its index entry's fingerprint, and its home */
static uint32_t tp_src_hash(const tp_bind_table_t *t, const tp_addr_t *a)
{
	tp_key_t k;

	tp_key_of(a, &k);
	return tp_hash_high(tp_key_hash(&k, t->key + 4));
}

static uint32_t tp_next(const tp_bind_table_t *t, uint32_t i)
{
	return i + 1 == t->slots ? 0 : i + 1;
}

/* whether h lies in (i, j], going round the end */
static int tp_between(uint32_t i, uint32_t h, uint32_t j)
{
	return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

/* n words of splitmix64 from x on */
static void tp_splitmix(uint64_t x, uint64_t *key, int n)
{
	int i;

	for(i = 0; i < n; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		key[i] = z ^ (z >> 31);
	}
}

#ifdef TP_TEST_HOOKS
/* unit tests: every table's keys from one seed, printed, so that a run
 * that failed can be replayed with TP_TEST_BIND_SEED (tables are made
 * by one thread) */
static void tp_test_keys(uint64_t *key, int n)
{
	static uint64_t seed, tables;
	const char *env;

	if(seed == 0) {
		env = getenv("TP_TEST_BIND_SEED");
		seed = env ? strtoull(env, NULL, 0) : 0;
		if(seed == 0
				&& getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
			seed = (uint64_t)time(NULL);
		seed += seed == 0;
		fprintf(stderr, "binding tables keyed from TP_TEST_BIND_SEED=%llu\n",
				(unsigned long long)seed);
	}
	tp_splitmix(seed ^ (0xd6e8feb86659fd93ull * ++tables), key, n);
}
#endif

/* n random words; from the clock and the process when the kernel has
 * none to give (a hash that works, if one that can be guessed) */
static void tp_hash_keys(uint64_t *key, int n)
{
	int i;

#ifdef TP_TEST_HOOKS
	tp_test_keys(key, n);
#else
	if(getrandom(key, (size_t)n * sizeof(*key), GRND_NONBLOCK)
			!= (ssize_t)((size_t)n * sizeof(*key))) {
		TP_WARN("no random bytes from the kernel: the binding table's"
				" hash is keyed from the clock\n");
		tp_splitmix((uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull
							^ (uint64_t)getpid() << 32
							^ (uint64_t)(uintptr_t)key,
				key, n);
	}
#endif
	/* the factors' keys: odd, so that an IPv4 key (w1 = 0) is multiplied
	 * by an odd number and keeps all its bits */
	for(i = 0; i < n; i++)
		if(i % 4 == 1 || i % 4 == 3)
			key[i] |= 1;
}

tp_bind_table_t *tp_store_create(uint32_t cap)
{
	tp_bind_table_t *t;

	if(cap == 0 || cap > 100000000u)
		return NULL;
	if((t = tp_shm_zalloc(sizeof(*t))) == NULL)
		return NULL;
	tp_hash_keys(t->key, TP_BIND_KEYS);
	t->cap = cap;
	t->slots = cap + cap / 3 + 2; /* at most 3/4 full, one always empty */
	t->s = tp_shm_zalloc((size_t)t->slots * sizeof(tp_bind_slot_t));
	t->tags = tp_shm_zalloc((size_t)t->slots * sizeof(*t->tags));
	t->by_src = tp_shm_zalloc((size_t)t->slots * sizeof(uint64_t));
	t->names = tp_shm_zalloc(TP_BIND_NAMES * sizeof(*t->names));
	t->strs = tp_intern_create(10);
	if(t->s == NULL || t->tags == NULL || t->by_src == NULL || t->names == NULL
			|| t->strs == NULL) {
		tp_store_destroy(t);
		return NULL;
	}
	tp_lock_init(&t->lock);
	return t;
}

void tp_store_destroy(tp_bind_table_t *t)
{
	if(t->strs)
		tp_intern_destroy(t->strs);
	if(t->s)
		tp_shm_free(t->s);
	if(t->tags)
		tp_shm_free(t->tags);
	if(t->by_src)
		tp_shm_free(t->by_src);
	if(t->names)
		tp_shm_free(t->names);
	tp_lock_destroy(&t->lock);
	tp_shm_free(t);
}

/* tp_store_read(), inlined where a lookup reads its hit */
static inline __attribute__((always_inline)) int tp_slot_read(
		tp_bind_table_t *t, uint32_t i, tp_bind_slot_t *c)
{
	const tp_bind_slot_t *s = &t->s[i];
	uint32_t q = __atomic_load_n(&s->u.seq, __ATOMIC_ACQUIRE);
	int k;

	if(q & 1)
		return 0;
	c->u.seq = q;
	c->u.expires = __atomic_load_n(&s->u.expires, __ATOMIC_ACQUIRE);
	for(k = 1; k < 6; k++)
		c->w[k] = __atomic_load_n(&s->w[k], __ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->u.seq, __ATOMIC_ACQUIRE) == q;
}

int tp_store_read(tp_bind_table_t *t, uint32_t i, tp_bind_slot_t *c)
{
	return tp_slot_read(t, i, c);
}

int tp_store_full(tp_bind_table_t *t, uint32_t i)
{
	return (uint8_t)__atomic_load_n(&t->tags[i], __ATOMIC_ACQUIRE) != 0;
}

/* which lanes of src_here count a UE: the tag's high byte */
static uint16_t tp_lanes_used(uint16_t here)
{
	uint16_t used = 0;
	unsigned lane;

	for(lane = 0; lane < 4; lane++)
		if(tp_lane_count(here, lane))
			used |= (uint16_t)(1u << lane);
	return (uint16_t)(used << 8);
}

/* writes v's fields over slot i, and its tag (under the lock). The tag
 * comes after the fields: a reader that saw it reads the key it tags */
static void tp_slot_write(tp_bind_table_t *t, uint32_t i, const tp_bind_slot_t *v)
{
	tp_bind_slot_t *s = &t->s[i];
	uint32_t q = __atomic_load_n(&s->u.seq, __ATOMIC_RELAXED);
	uint16_t tag = tp_lanes_used(v->u.src_here);
	tp_key_t key;
	int k;

	if(v->u.contact.af) {
		tp_key_of(&v->u.contact, &key);
		tag |= tp_tag_of_hash(tp_key_hash(&key, t->key));
	}
	__atomic_store_n(&s->u.seq, q + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->u.expires, v->u.expires, __ATOMIC_RELEASE);
	for(k = 1; k < 6; k++)
		__atomic_store_n(&s->w[k], v->w[k], __ATOMIC_RELEASE);
	__atomic_store_n(&t->tags[i], tag, __ATOMIC_RELEASE);
	__atomic_store_n(&s->u.seq, q + 2, __ATOMIC_RELEASE);
}

/* around a change that may make a reader's probe go wrong (kind: a slot
 * moved back, a source's entry or list changed); nested ones count once */
static void tp_moves_begin(tp_bind_table_t *t, int kind)
{
	if(t->moves_depth[kind]++ == 0)
		__atomic_store_n(
				&t->moves[kind], t->moves[kind] + 1, __ATOMIC_RELAXED);
}

static void tp_moves_end(tp_bind_table_t *t, int kind)
{
	if(--t->moves_depth[kind] == 0)
		__atomic_store_n(
				&t->moves[kind], t->moves[kind] + 1, __ATOMIC_RELEASE);
}

static uint32_t tp_moves_now(tp_bind_table_t *t, int kind)
{
	return __atomic_load_n(&t->moves[kind], __ATOMIC_ACQUIRE);
}

/* whether no change of that kind ran since the count was m */
static int tp_still(tp_bind_table_t *t, int kind, uint32_t m)
{
	return !(m & 1) && tp_moves_now(t, kind) == m;
}

#ifdef TP_TEST_HOOKS
void (*tp_store_probe_hook)(tp_bind_table_t *t, uint32_t i);
#define TP_PROBE_HOOK(t, i)           \
	do {                              \
		if(tp_store_probe_hook)       \
			tp_store_probe_hook(t, i); \
	} while(0)
#else
#define TP_PROBE_HOOK(t, i) \
	do {                    \
	} while(0)
#endif

int tp_store_probe(tp_bind_table_t *t, const tp_addr_t *contact,
		tp_bind_slot_t *c, int *no_src)
{
	uint32_t m = tp_moves_now(t, TP_MOVES_SLOTS), i, n;
	uint32_t ms = tp_moves_now(t, TP_MOVES_SRC);
	const tp_bind_slot_t *s;
	uint64_t h;
	uint16_t tag, home_tag;
	uint8_t want;
	tp_key_t k;

	if(no_src)
		*no_src = 0;
	if(contact->af == 0)
		return -1; /* no address: it would match an empty slot */
	tp_key_of(contact, &k);
	h = tp_key_hash(&k, t->key);
	i = tp_reduce(tp_hash_high(h), t->slots);
	want = tp_tag_of_hash(h);
	/* most UEs sit in their home slot: its lines are fetched while the
	 * tags are (the slot may straddle two). A miss needs only the tags:
	 * the home's says whether to look by source */
	__builtin_prefetch(&t->s[i].w[1]);
	__builtin_prefetch(&t->s[i].w[5]);
	home_tag = __atomic_load_n(&t->tags[i], __ATOMIC_ACQUIRE);
	/* the tags until an empty slot; a slot whose tag matches, its key
	 * words alone until they match. Either, read while a writer changes
	 * it, may not match: a miss is checked below */
	for(n = 0; n < t->slots; n++, i = tp_next(t, i)) {
		tag = __atomic_load_n(&t->tags[i], __ATOMIC_ACQUIRE);
		TP_PROBE_HOOK(t, i);
		if((uint8_t)tag == 0)
			break;
		if((uint8_t)tag != want)
			continue;
		s = &t->s[i];
		if(tp_key_at(&k, __atomic_load_n(&s->w[1], __ATOMIC_ACQUIRE),
				   __atomic_load_n(&s->w[2], __ATOMIC_ACQUIRE),
				   __atomic_load_n(&s->w[3], __ATOMIC_ACQUIRE))) {
			if(!tp_slot_read(t, i, c)
					|| !tp_key_at(&k, c->w[1], c->w[2], c->w[3]))
				return TP_STORE_RETRY;
			return (int)i;
		}
	}
	/* a miss holds only if no UE moved back past the probe meanwhile; no
	 * source here holds only if no source's list changed */
	if(no_src)
		*no_src = !(home_tag >> 8 & 1u << tp_lane_of_hash(h))
				  && tp_still(t, TP_MOVES_SRC, ms);
	return tp_still(t, TP_MOVES_SLOTS, m) ? -1 : TP_STORE_RETRY;
}

int tp_store_source_ip_is(const tp_bind_slot_t *c, const tp_addr_t *src)
{
	const tp_bind_cold_t *cold = c->u.cold;

	if(!(c->u.flags & TP_F_SRC_IP))
		return tp_addr_ip_eq(&c->u.contact, src);
	return cold->src_af == src->af
		   && memcmp(cold->tail, src->ip, src->af == 4 ? 4 : 16) == 0;
}

int tp_store_source_is(const tp_bind_slot_t *c, const tp_addr_t *src)
{
	return c->u.src_port == src->port && tp_store_source_ip_is(c, src);
}

int tp_store_probe_src(tp_bind_table_t *t, const tp_addr_t *src,
		tp_bind_slot_t *c, int locked)
{
	uint32_t m = tp_moves_now(t, TP_MOVES_SLOTS), h, i, k, n;
	uint32_t ms = tp_moves_now(t, TP_MOVES_SRC);
	int found = -1;
	uint64_t v;

	h = tp_src_hash(t, src);
	i = tp_reduce(h, t->slots);
	for(n = 0; n < t->slots; n++, i = tp_next(t, i)) {
		if((v = __atomic_load_n(&t->by_src[i], __ATOMIC_ACQUIRE)) == 0)
			break;
		if((uint32_t)(v >> 32) != h || (k = (uint32_t)v - 1) >= t->slots)
			continue;
		if(!tp_store_read(t, k, c))
			return TP_STORE_RETRY;
		if(c->u.contact.af == 0 || !(c->u.flags & TP_F_BY_SRC))
			continue; /* moved or gone meanwhile */
		if((c->u.flags & TP_F_SRC_IP) && !locked)
			return TP_STORE_LOCKED;
		if(tp_store_source_is(c, src)) {
			found = (int)k;
			break;
		}
	}
	/* a hit too: the entry may have named another UE of the source for
	 * a moment (a refresh), or a slot another UE moved into */
	return tp_still(t, TP_MOVES_SLOTS, m) && tp_still(t, TP_MOVES_SRC, ms)
				   ? found
				   : TP_STORE_RETRY;
}

int tp_store_src_older(tp_bind_table_t *t, const tp_bind_slot_t *c,
		tp_bind_slot_t *older)
{
	uint32_t k = c->u.cold->src_older;

	if(k == 0)
		return -1;
	tp_store_read(t, k - 1, older); /* under the lock: always whole */
	return (int)(k - 1);
}

/* ---- writers ---- */

const char tp_store_no_name[TP_NAME_MAX + 1];

int tp_store_name_no(tp_bind_table_t *t, const char *name)
{
	uint32_t k, n = t->n_names;

	if(name[0] == '\0')
		return 0;
	for(k = 0; k < n; k++)
		if(strcmp(t->names[k], name) == 0)
			return (int)k + 1;
	if(n == TP_BIND_NAMES)
		return -1;
	strncpy(t->names[n], name, TP_NAME_MAX);
	__atomic_store_n(&t->n_names, n + 1, __ATOMIC_RELEASE);
	return (int)n + 1;
}

static tp_bind_cold_t *tp_cold_of(tp_bind_table_t *t, uint32_t slot_plus_1)
{
	return t->s[slot_plus_1 - 1].u.cold;
}

/* the source index's entry for src whose head is slot + 1 == val (any
 * head when val is 0); \return its position, or -1 (*empty: where one
 * would go) */
static int tp_src_pos(tp_bind_table_t *t, const tp_addr_t *src, uint32_t val,
		uint32_t *empty)
{
	uint32_t h = tp_src_hash(t, src), i = tp_reduce(h, t->slots), n;
	tp_bind_slot_t c;
	uint64_t v;

	for(n = 0; n < t->slots; n++, i = tp_next(t, i)) {
		if((v = t->by_src[i]) == 0)
			break;
		if((uint32_t)(v >> 32) != h)
			continue;
		if(val ? (uint32_t)v == val
			   : (tp_store_read(t, (uint32_t)v - 1, &c)
					   && tp_store_source_is(&c, src)))
			return (int)i;
	}
	if(empty)
		*empty = i;
	return -1;
}

static void tp_src_store(tp_bind_table_t *t, uint32_t pos,
		const tp_addr_t *src, uint32_t slot_plus_1)
{
	uint64_t v = ((uint64_t)tp_src_hash(t, src) << 32) | slot_plus_1;

	__atomic_store_n(&t->by_src[pos], slot_plus_1 ? v : 0, __ATOMIC_RELEASE);
}

/* empties the source entry at pos, moving the entries after it back */
static void tp_src_del(tp_bind_table_t *t, uint32_t i)
{
	uint32_t j;
	uint64_t v;

	tp_moves_begin(t, TP_MOVES_SRC);
	for(j = tp_next(t, i); (v = t->by_src[j]) != 0; j = tp_next(t, j)) {
		if(tp_between(i, tp_reduce((uint32_t)(v >> 32), t->slots), j))
			continue; /* its home is after the hole: it stays */
		__atomic_store_n(&t->by_src[i], v, __ATOMIC_RELEASE);
		i = j;
	}
	__atomic_store_n(&t->by_src[i], 0, __ATOMIC_RELEASE);
	tp_moves_end(t, TP_MOVES_SRC);
}

/* the count of UEs registered from src at src's home slot and lane, by
 * d (+1, -1); 15 stays: it may be more */
static void tp_src_here_add(tp_bind_table_t *t, const tp_addr_t *src, int d)
{
	unsigned lane, n;
	uint32_t h = tp_home_lane(t, src, &lane);
	tp_bind_slot_t v = t->s[h];

	n = tp_lane_count(v.u.src_here, lane);
	if(n == 15 || (d < 0 && n == 0))
		return;
	v.u.src_here = (uint16_t)(d > 0 ? v.u.src_here + (1u << (4 * lane))
									: v.u.src_here - (1u << (4 * lane)));
	tp_slot_write(t, h, &v);
}

/* slot i becomes the newest of its source's list */
static void tp_src_link(tp_bind_table_t *t, uint32_t i)
{
	tp_bind_slot_t *s = &t->s[i];
	tp_bind_cold_t *cold = s->u.cold;
	uint32_t empty = 0;
	tp_addr_t src;
	int pos;

	if(!(s->u.flags & TP_F_BY_SRC))
		return;
	tp_store_source(s, &src);
	cold->src_newer = 0;
	cold->src_older = 0;
	if((pos = tp_src_pos(t, &src, 0, &empty)) >= 0) {
		cold->src_older = (uint32_t)t->by_src[pos];
		tp_cold_of(t, cold->src_older)->src_newer = i + 1;
	}
	tp_src_store(t, pos >= 0 ? (uint32_t)pos : empty, &src, i + 1);
	tp_src_here_add(t, &src, 1);
}

/* slot i leaves its source's list */
static void tp_src_unlink(tp_bind_table_t *t, uint32_t i)
{
	tp_bind_slot_t *s = &t->s[i];
	tp_bind_cold_t *cold = s->u.cold;
	tp_addr_t src;
	int pos;

	if(!(s->u.flags & TP_F_BY_SRC))
		return;
	tp_store_source(s, &src);
	tp_src_here_add(t, &src, -1);
	if(cold->src_older)
		tp_cold_of(t, cold->src_older)->src_newer = cold->src_newer;
	if(cold->src_newer) {
		tp_cold_of(t, cold->src_newer)->src_older = cold->src_older;
	} else { /* the newest: the index now names the one before it */
		if((pos = tp_src_pos(t, &src, i + 1, NULL)) >= 0) {
			if(cold->src_older)
				tp_src_store(t, (uint32_t)pos, &src, cold->src_older);
			else
				tp_src_del(t, (uint32_t)pos);
		}
	}
	cold->src_newer = cold->src_older = 0;
}

/* the UE of slot `from` was copied to slot `to`: its list follows */
static void tp_src_moved(tp_bind_table_t *t, uint32_t from, uint32_t to)
{
	tp_bind_slot_t *s = &t->s[to];
	tp_bind_cold_t *cold = s->u.cold;
	tp_addr_t src;
	int pos;

	if(!(s->u.flags & TP_F_BY_SRC))
		return;
	if(cold->src_older)
		tp_cold_of(t, cold->src_older)->src_newer = to + 1;
	if(cold->src_newer) {
		tp_cold_of(t, cold->src_newer)->src_older = to + 1;
	} else {
		tp_store_source(s, &src);
		if((pos = tp_src_pos(t, &src, from + 1, NULL)) >= 0)
			tp_src_store(t, (uint32_t)pos, &src, to + 1);
	}
}

int tp_store_put(tp_bind_table_t *t, const tp_bind_slot_t *v)
{
	tp_bind_slot_t c, w = *v;
	int i = tp_store_probe(t, &v->u.contact, &c, NULL);

	if(i < 0 && t->count >= t->cap)
		return -1;
	/* a source's list may change: a reader by source may go wrong
	 * meanwhile (inserts and rewrites cannot make one by contact miss) */
	tp_moves_begin(t, TP_MOVES_SRC);
	if(i >= 0) {
		tp_src_unlink(t, (uint32_t)i);
	} else {
		for(i = (int)tp_home(t, &v->u.contact); t->s[i].u.contact.af;
				i = (int)tp_next(t, (uint32_t)i))
			;
		__atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELAXED);
	}
	w.u.src_here = t->s[i].u.src_here; /* the slot's */
	tp_slot_write(t, (uint32_t)i, &w);
	tp_src_link(t, (uint32_t)i);
	tp_moves_end(t, TP_MOVES_SRC);
	return 0;
}

void tp_store_rewrite(tp_bind_table_t *t, uint32_t i, const tp_bind_slot_t *v)
{
	tp_bind_slot_t w = *v;

	w.u.src_here = t->s[i].u.src_here; /* the slot's */
	tp_slot_write(t, i, &w);
}

void tp_store_remove(tp_bind_table_t *t, uint32_t i)
{
	tp_bind_slot_t v, empty;
	uint32_t j;

	tp_moves_begin(t, TP_MOVES_SLOTS);
	tp_moves_begin(t, TP_MOVES_SRC);
	tp_src_unlink(t, i);
	for(j = tp_next(t, i);; j = tp_next(t, j)) {
		v = t->s[j];
		if(v.u.contact.af == 0)
			break;
		if(tp_between(i, tp_home(t, &v.u.contact), j))
			continue; /* its home is after the hole: it stays */
		v.u.src_here = t->s[i].u.src_here; /* the slot's */
		tp_slot_write(t, i, &v);
		tp_src_moved(t, j, i);
		i = j;
	}
	memset(&empty, 0, sizeof(empty));
	empty.u.src_here = t->s[i].u.src_here;
	tp_slot_write(t, i, &empty);
	tp_moves_end(t, TP_MOVES_SRC);
	tp_moves_end(t, TP_MOVES_SLOTS);
	__atomic_store_n(&t->count, t->count - 1, __ATOMIC_RELAXED);
}

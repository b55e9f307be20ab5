/*
 * tcp_persona - benchmark: what the binding lookup target needs
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Not the module's table: a sketch of the layout the lookup target (5 M/s
 * on a million UEs) points to, measured beside the layout the module has.
 * (a) chained: a slot array of pointers to entries allocated one by one
 * (the module's shape: two dependent reads from DRAM per lookup);
 * (b) inline: open addressing, the key and what persona_enforce() reads
 * (mode, rule number, registration connection, expiry) in the slot, read
 * under a per-slot sequence number (no lock take), the rest out of line.
 * Same keys, same random lookups; prints lookups per second and the bytes
 * per UE each spends on the slots.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#define N_UES 1000000u
#define LOOKUPS 4000000

/* the key and the hot fields: 48 bytes */
typedef struct inline_slot
{
	uint32_t seq; /* odd while a writer changes the slot */
	uint8_t af, mode, node, flags;
	uint16_t port, rule_no;
	uint8_t ip[16];
	uint32_t expires;
	int32_t reg_conn_id;
	void *cold; /* AoR, User-Agent, source */
} inline_slot_t;

/* a chained entry of about the module's size (tp_bind.c: 99 bytes) */
typedef struct chained_entry
{
	struct chained_entry *next;
	uint8_t af, mode;
	uint16_t port;
	uint8_t ip[16];
	uint32_t expires;
	int32_t reg_conn_id;
	char rest[64];
} chained_entry_t;

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	return x ^ (x >> 16);
}

/* a slot in [0, n) without a power-of-two size */
static uint32_t reduce(uint32_t h, uint32_t n)
{
	return (uint32_t)(((uint64_t)h * n) >> 32);
}

/* inlined with serial a constant: the independent case must not carry a
 * data dependency on found (a conditional move would) */
#define TP_BENCH_INLINE static inline __attribute__((always_inline))

/* the next UE to look up; serial: it depends on the last lookup's result,
 * so lookups cannot overlap their waits for memory (as in kamailio, where
 * a message does one lookup among much other work) */
TP_BENCH_INLINE uint32_t next_ue(uint64_t *seed, int serial, long found)
{
	uint64_t r = bench_rand(seed);

	if(serial)
		r ^= (uint64_t)(found & 1);
	return (uint32_t)(r % N_UES);
}

static void key_of(uint32_t i, uint8_t ip[16])
{
	memset(ip, 0, 16);
	ip[0] = 10;
	ip[1] = (uint8_t)(i >> 16);
	ip[2] = (uint8_t)(i >> 8);
	ip[3] = (uint8_t)i;
}

TP_BENCH_INLINE double bench_chained(uint64_t *seed, int serial)
{
	uint32_t n = 1u << 20, i;
	chained_entry_t **heads = calloc(n, sizeof(*heads)), *e;
	long found = 0;
	uint8_t ip[16];
	double t0;
	int c;

	for(i = 0; i < N_UES; i++) {
		e = calloc(1, sizeof(*e));
		e->af = 4;
		e->port = 5060;
		key_of(i, e->ip);
		e->mode = (uint8_t)(i & 3);
		e->next = heads[mix(i) & (n - 1)];
		heads[mix(i) & (n - 1)] = e;
	}
	t0 = bench_now();
	for(c = 0; c < LOOKUPS; c++) {
		i = next_ue(seed, serial, found);
		key_of(i, ip);
		for(e = heads[mix(i) & (n - 1)]; e; e = e->next)
			if(e->port == 5060 && memcmp(e->ip, ip, 16) == 0) {
				found += e->mode + 1;
				break;
			}
	}
	t0 = LOOKUPS / (bench_now() - t0);
	if(found < LOOKUPS)
		fprintf(stderr, "chained: lookups not found\n");
	return t0;
}

TP_BENCH_INLINE double bench_inline(
		uint64_t *seed, int serial, double load, double *bytes)
{
	uint32_t n = (uint32_t)(N_UES / load), i, k, q;
	inline_slot_t *s = calloc(n, sizeof(*s)), *p;
	long found = 0;
	uint8_t ip[16];
	double t0;
	int c;

	for(i = 0; i < N_UES; i++) {
		for(k = reduce(mix(i), n); s[k].af; k = k + 1 == n ? 0 : k + 1)
			;
		s[k].af = 4;
		s[k].port = 5060;
		key_of(i, s[k].ip);
		s[k].mode = (uint8_t)(i & 3);
	}
	t0 = bench_now();
	for(c = 0; c < LOOKUPS; c++) {
		i = next_ue(seed, serial, found);
		key_of(i, ip);
		for(k = reduce(mix(i), n);; k = k + 1 == n ? 0 : k + 1) {
			p = &s[k];
			q = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
			if(p->af == 0)
				break;
			if(p->port == 5060 && memcmp(p->ip, ip, 16) == 0) {
				uint8_t mode = p->mode;

				if(__atomic_load_n(&p->seq, __ATOMIC_ACQUIRE) != q) {
					k--; /* changed meanwhile: read it again */
					continue;
				}
				found += mode + 1;
				break;
			}
		}
	}
	t0 = LOOKUPS / (bench_now() - t0);
	if(found < LOOKUPS)
		fprintf(stderr, "inline: lookups not found\n");
	*bytes = (double)n * sizeof(*s) / N_UES;
	free(s);
	return t0;
}

int main(void)
{
	uint64_t seed = 88172645463325252ULL;
	double c[2], in75[2], in50[2], b75, b50;

	c[0] = bench_chained(&seed, 0);
	in75[0] = bench_inline(&seed, 0, 0.75, &b75);
	in50[0] = bench_inline(&seed, 0, 0.50, &b50);
	c[1] = bench_chained(&seed, 1);
	in75[1] = bench_inline(&seed, 1, 0.75, &b75);
	in50[1] = bench_inline(&seed, 1, 0.50, &b50);
	printf("layout sketch, 1,000,000 UEs, random lookups (not the module's"
		   " table), M/s independent / one after another:\n");
	printf("  chained, one link per UE, 2^20 slots: %.2f / %.2f\n",
			c[0] / 1e6, c[1] / 1e6);
	printf("  inline key, %zu-byte slots, load 0.75: %.2f / %.2f, %.1f bytes"
		   " per UE in slots\n",
			sizeof(inline_slot_t), in75[0] / 1e6, in75[1] / 1e6, b75);
	printf("  inline key, %zu-byte slots, load 0.50: %.2f / %.2f, %.1f bytes"
		   " per UE in slots\n",
			sizeof(inline_slot_t), in50[0] / 1e6, in50[1] / 1e6, b50);
	printf("layout_chained_mps=%.2f/%.2f layout_inline75_mps=%.2f/%.2f"
		   " layout_inline50_mps=%.2f/%.2f\n",
			c[0] / 1e6, c[1] / 1e6, in75[0] / 1e6, in75[1] / 1e6,
			in50[0] / 1e6, in50[1] / 1e6);
	return 0;
}

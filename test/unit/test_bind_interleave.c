/*
 * tcp_persona - unit tests: a lock-free lookup of the binding table
 * interrupted by a writer at a chosen point of its probe (a hook in
 * tp_store_probe(), unit test builds only). Threads cannot hit these
 * windows on purpose (a few ns each); here each one is hit every time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <string.h>

#include "bind_fixtures.h"
#include "tp_bind.h"
#include "tp_bind_store.h"
#include "unit.h"

static tp_bind_table_t *ht;
static uint32_t hook_at; /* the slot whose tag read triggers the writer */
static tp_addr_t hook_remove;
static int hook_fired;

static void remove_at_hook(tp_bind_table_t *t, uint32_t i)
{
	if(hook_fired || i != hook_at)
		return;
	hook_fired = 1;
	tp_bind_del(t, &hook_remove);
}

static void put_ue(tp_bind_table_t *t, const tp_addr_t *c, int conn)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact = *c;
	b.source = *c;
	b.mode = TP_MODE_DIALOG;
	b.reg_conn_id = conn;
	b.expires = 5000;
	ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
}

/* three contacts whose home is the same slot: they sit in it and the
 * two after it, in the order they are put. The third's tag is not the
 * others' (the keys are random: so the probe for it compares no other
 * slot's key) */
static void three_of_one_home(tp_bind_table_t *t, tp_addr_t c[3])
{
	uint32_t home = 0;
	int n = 0;
	uint16_t port;

	for(port = 1000; n < 3 && port < 60000; port++) {
		tp_addr_t a = tp_fx_addr(7, port);

		if(n == 0)
			home = tp_store_home(t, &a);
		if(tp_store_home(t, &a) != home)
			continue;
		if(n == 2
				&& (tp_store_tag(t, &a) == tp_store_tag(t, &c[0])
						|| tp_store_tag(t, &a) == tp_store_tag(t, &c[1])))
			continue;
		c[n++] = a;
	}
	ck_assert_int_eq(n, 3);
}

/* The reader looks for C (home h, at h+2) and has passed h; A, at h, is
 * removed: B and C move back one slot and h+2 becomes empty. The probe
 * reads that empty slot: a miss it must not believe (slots moved), so it
 * says retry, and the lookup finds C */
START_TEST(test_miss_while_moved_is_retried)
{
	tp_bind_slot_t copy;
	tp_binding_t out;
	tp_addr_t c[3];
	uint32_t h;
	int i;

	ht = tp_bind_create(30);
	ck_assert_ptr_nonnull(ht);
	three_of_one_home(ht, c);
	for(i = 0; i < 3; i++)
		put_ue(ht, &c[i], i + 1);
	h = tp_store_home(ht, &c[0]);
	ck_assert_int_eq(tp_store_probe(ht, &c[2], &copy, NULL),
			(int)((h + 2) % ht->slots));
	/* (with one tag for all three, the probe would compare the key of
	 * the slot C moves into and find it without a retry) */
	ck_assert_msg((uint8_t)ht->tags[h] != (uint8_t)ht->tags[(h + 2) % ht->slots]
					&& (uint8_t)ht->tags[(h + 1) % ht->slots]
							   != (uint8_t)ht->tags[(h + 2) % ht->slots],
			"the three contacts share a tag: pick others");

	hook_at = (h + 1) % ht->slots;
	hook_remove = c[0];
	hook_fired = 0;
	tp_store_probe_hook = remove_at_hook;
	ck_assert_int_eq(tp_store_probe(ht, &c[2], &copy, NULL), TP_STORE_RETRY);
	ck_assert(hook_fired);

	/* the same interruption inside a whole lookup: it retries and finds
	 * C (B now at h, C at h+1: the hook fires when B's slot is read) */
	put_ue(ht, &c[0], 1); /* A again, after C: h+2 */
	hook_at = h;
	hook_remove = c[1];
	hook_fired = 0;
	ck_assert_int_eq(tp_bind_get_dst(ht, &c[2], 1000, &out), 1);
	ck_assert(hook_fired);
	ck_assert_int_eq(out.reg_conn_id, 3);
	tp_store_probe_hook = NULL;
	tp_bind_destroy(ht);
}
END_TEST

TCase *tp_tcase_bind_interleave(void)
{
	TCase *tc = tcase_create("bind_interleave");

	tcase_add_test(tc, test_miss_while_moved_is_retried);
	return tc;
}

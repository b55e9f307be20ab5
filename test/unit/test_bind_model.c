/*
 * tcp_persona - unit tests: the binding table against a model of it.
 * Random puts, removals, lookups and sweeps over a few addresses (many
 * UEs per IP, per source, per slot of a 16-slot table), each compared
 * with what a plain array that follows the table's contract answers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bind_fixtures.h"
#include "tp_bind.h"
#include "tp_bind_store.h"
#include "unit.h"

#define N_CONTACTS 48
#define OPS 20000

typedef struct model_ue
{
	int live; /* bound (it may have expired: the sweep removes it) */
	tp_addr_t contact, source;
	int conn;
	time_t expires;
	unsigned long seq; /* when it was put: the latest answers for a source */
} model_ue_t;

static model_ue_t m[N_CONTACTS];
static unsigned long seq;
static uint64_t rnd = 88172645463325252ull;

static unsigned int next_rand(unsigned int n)
{
	return (unsigned int)(tp_fx_rand(&rnd) % n);
}

/* contact k: 6 IPs, 8 ports each */
static tp_addr_t contact_of(unsigned int k)
{
	return tp_fx_addr((uint8_t)(1 + k / 8), (uint16_t)(5060 + k % 8));
}

/* a source: the contact itself, one of its IP's ports, or one of two
 * shared NAT addresses */
static tp_addr_t any_source(unsigned int k)
{
	switch(next_rand(4)) {
		case 0:
			return contact_of(k);
		case 1:
			return tp_fx_addr((uint8_t)(1 + k / 8), (uint16_t)(40000 + next_rand(3)));
		default:
			return tp_fx_addr((uint8_t)(200 + next_rand(2)), (uint16_t)(61000 + next_rand(2)));
	}
}

/* any address the lookups may ask: contacts, sources, unknown ones */
static tp_addr_t any_addr(void)
{
	unsigned int k = next_rand(N_CONTACTS);

	switch(next_rand(3)) {
		case 0:
			return contact_of(k);
		case 1:
			return any_source(k);
		default:
			return tp_fx_addr((uint8_t)(1 + next_rand(8)), (uint16_t)(5060 + next_rand(10)));
	}
}

static int model_by_source(const tp_addr_t *a, time_t now)
{
	int k, best = -1;

	for(k = 0; k < N_CONTACTS; k++)
		if(m[k].live && m[k].expires > now && !tp_addr_eq(&m[k].source, &m[k].contact)
				&& tp_addr_eq(&m[k].source, a)
				&& (best < 0 || m[k].seq > m[best].seq))
			best = k;
	return best;
}

static int model_by_contact(const tp_addr_t *a, time_t now)
{
	int k;

	for(k = 0; k < N_CONTACTS; k++)
		if(m[k].live && m[k].expires > now && tp_addr_eq(&m[k].contact, a))
			return k;
	return -1;
}

static void expect(int got, const tp_binding_t *out, int k, const char *what,
		int op)
{
	ck_assert_msg(got == (k >= 0 ? 1 : -1), "op %d %s: table %d, model UE %d",
			op, what, got, k);
	if(k >= 0)
		ck_assert_msg(out->reg_conn_id == m[k].conn, "op %d %s: UE %d, not %d",
				op, what, out->reg_conn_id, m[k].conn);
}

/* the table's own invariants: every UE is found from its home slot where
 * it sits (so its tag is its key's), a slot's tag is 0 exactly when it is
 * empty, the count is right, and each lane of a slot's src_here counts
 * the UEs indexed by a source whose home and lane it is (a slot's, not a UE's: removals
 * that move UEs must leave it) */
static void check_structure(tp_bind_table_t *t, int op)
{
	static unsigned int want[4 * (2 * N_CONTACTS + 2)];
	/* lanes that counted 15 once: they stay at 15 ("maybe more") */
	static unsigned char full[4 * (2 * N_CONTACTS + 2)];
	tp_bind_slot_t c, o;
	unsigned int n = 0, p;
	tp_addr_t src;

	ck_assert_uint_le(4 * t->slots, sizeof(want) / sizeof(want[0]));
	if(op == 0)
		memset(full, 0, sizeof(full));
	memset(want, 0, sizeof(want));
	for(p = 0; p < t->slots; p++) {
		ck_assert(tp_store_read(t, p, &c));
		ck_assert_msg(tp_store_full(t, p) == (c.u.contact.af != 0),
				"op %d: slot %u's tag says %s", op, p,
				tp_store_full(t, p) ? "full" : "empty");
		if(c.u.contact.af == 0)
			continue;
		n++;
		ck_assert_msg(tp_store_probe(t, &c.u.contact, &o, NULL) == (int)p,
				"op %d: the UE of slot %u is not found there", op, p);
		if(c.u.flags & TP_F_BY_SRC) {
			tp_store_source(&c, &src);
			want[4 * tp_store_home(t, &src) + tp_store_lane(t, &src)]++;
		}
	}
	ck_assert_uint_eq(n, tp_bind_count(t));
	for(p = 0; p < 4 * t->slots; p++) {
		unsigned int got;

		tp_store_read(t, p / 4, &c);
		got = (c.u.src_here >> (4 * (p % 4))) & 15u;
		full[p] |= want[p] >= 15;
		ck_assert_msg(got == (want[p] < 15 && !full[p] ? want[p] : 15),
				"op %d: slot %u lane %u counts %u, not %u", op, p / 4, p % 4,
				got, want[p]);
		ck_assert_msg(!(t->tags[p / 4] >> (8 + p % 4) & 1) == !got,
				"op %d: slot %u's tag says lane %u is %s", op, p / 4, p % 4,
				got ? "unused" : "used");
	}
}

START_TEST(test_bind_against_model)
{
	tp_bind_table_t *t = tp_bind_create(N_CONTACTS); /* can be full */
	tp_binding_t b, out;
	tp_addr_t a, c;
	time_t now = 100;
	unsigned int k, live;
	int op, got, want, n;

	ck_assert_ptr_nonnull(t);
	memset(m, 0, sizeof(m));
	for(op = 0; op < OPS; op++) {
		k = next_rand(N_CONTACTS);
		switch(next_rand(10)) {
			case 0:
			case 1:
			case 2: /* a REGISTER */
				memset(&b, 0, sizeof(b));
				b.contact = contact_of(k);
				b.source = any_source(k);
				b.mode = (tp_mode_t)next_rand(4);
				b.reg_conn_id = op + 1;
				b.expires = now + 1 + next_rand(50);
				strcpy(b.aor, "sip:ue@ims");
				ck_assert_int_eq(tp_bind_put(t, &b, "UA", 2), 0);
				m[k].live = 1;
				m[k].contact = b.contact;
				m[k].source = b.source;
				m[k].conn = b.reg_conn_id;
				m[k].expires = b.expires;
				m[k].seq = ++seq;
				break;
			case 3: /* a de-registration, or an RPC's removal */
				c = contact_of(k);
				got = tp_bind_del(t, &c);
				ck_assert_int_eq(got, m[k].live ? 1 : -1);
				m[k].live = 0;
				break;
			case 4: /* an IMS registration ended, from some source */
				c = contact_of(k);
				a = next_rand(2) ? m[k].source : any_source(k);
				want = m[k].live && tp_addr_eq(&m[k].source, &a);
				got = tp_bind_del_if_source(t, &c, &a);
				ck_assert_int_eq(got, want ? 1 : -1);
				if(want)
					m[k].live = 0;
				break;
			case 5:
				a = any_addr();
				got = tp_bind_get_dst(t, &a, now, &out);
				want = model_by_contact(&a, now);
				expect(got, &out, want >= 0 ? want : model_by_source(&a, now),
						"dst", op);
				break;
			case 6:
				a = any_addr();
				got = tp_bind_get_src(t, &a, now, &out);
				want = model_by_source(&a, now);
				expect(got, &out, want >= 0 ? want : model_by_contact(&a, now),
						"src", op);
				break;
			case 7:
				c = contact_of(k);
				a = any_addr();
				got = tp_bind_get_by_contact_from(t, &c, &a, now, &out);
				want = model_by_contact(&c, now);
				if(want >= 0 && !tp_addr_ip_eq(&m[want].source, &a))
					want = -1;
				expect(got, &out, want, "by contact from", op);
				break;
			case 8: /* time passes; now and then the sweep */
				now += next_rand(5);
				if(next_rand(4))
					break;
				for(n = 0, k = 0; k < N_CONTACTS; k++)
					if(m[k].live && m[k].expires <= now) {
						m[k].live = 0;
						n++;
					}
				ck_assert_int_eq(tp_bind_sweep(t, now), n);
				break;
			default:
				c = contact_of(k);
				ck_assert_int_eq(tp_bind_has(t, &c), m[k].live);
				break;
		}
		for(live = 0, k = 0; k < N_CONTACTS; k++)
			live += (unsigned int)m[k].live;
		ck_assert_uint_eq(tp_bind_count(t), live);
		check_structure(t, op);
	}
	tp_bind_destroy(t);
}
END_TEST

TCase *tp_tcase_bind_model(void)
{
	TCase *tc = tcase_create("bind_model");

	tcase_add_test(tc, test_bind_against_model);
	return tc;
}

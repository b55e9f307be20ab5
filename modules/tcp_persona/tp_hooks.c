/*
 * tcp_persona - tm callbacks that carry a persona's policy through
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/dset.h"
#include "core/globals.h"
#include "core/pt.h"
#include "core/script_cb.h"
#include "core/sr_module.h"
#include "core/tcp_conn.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_cseq.h"

#include "tp_conn.h"
#include "tp_fresh.h"
#include "tp_discover.h"
#include "tp_hooks.h"
#include "tp_leg.h"
#include "tp_send.h"
#include "tp_sipaddr.h"
#include "tp_stats.h"

#define TP_CALL_SLOTS_LOG2 12
#define TP_OWNED_SLOTS_LOG2 10

tp_bind_table_t *tp_bindings;
tp_track_t *tp_calls;
tp_track_t *tp_calls_ended;
tp_owned_t *tp_owned_conns;
struct tm_binds tp_tmb;
static unsigned int *tp_attempt_seq;

/* what a transaction remembers, in shm, from its request to its end: the
 * arm, and a leg per branch. A leg's conn_id and final_code are written by
 * the sending process and by the one that got the answer, in either
 * order: atomics decide who acts */
typedef struct tp_tx
{
	tp_arm_t a;
	str callid; /* points into the allocation, after the legs */
	/* the script's send flags when it armed: tm's copy of the request,
	 * which failure_route gets, has those of the first branch */
	snd_flags_t script_flags;
	int nlegs;
	tp_leg_t legs[];
} tp_tx_t;

/* per process, for the route that armed tx only: the legs of the branches
 * tm will build, in its order, and how many it built (NEW_* arms: every
 * branch is the arm's one destination) */
static struct
{
	tp_tx_t *tx;
	tp_leg_t *legs;
	int n;
	int built;
	int one;
} tp_plan;

/* per process: the message being routed is armed (persona_enforce() once
 * is enough) */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int armed;
} tp_cur;

static int tp_is_cur(sip_msg_t *msg)
{
	return msg && msg->id == tp_cur.msg_id && msg->pid == tp_cur.msg_pid;
}

unsigned int tp_attempt_new(void)
{
	unsigned int n;

	do
		n = __atomic_add_fetch(tp_attempt_seq, 1, __ATOMIC_RELAXED);
	while(n == 0);
	return n;
}

int tp_disown(int conn_id)
{
	tp_owner_t w;

	if(conn_id == 0 || tp_owned_del(tp_owned_conns, conn_id, &w) < 0)
		return -1;
	tp_stat_mode(tp_stat_conn_closed, w.mode);
	return 1;
}

int tp_release_conn(int conn_id)
{
	/* only what the module still owns: someone else may have taken over */
	if(tp_disown(conn_id) < 0)
		return -1;
	tp_conn_close(conn_id);
	return 1;
}

/* a request that crosses a dialog's end (an ACK behind the BYE, a
 * re-INVITE sent as the BYE was answered) is then told from one of a
 * dialog the module never saw; an attempt that failed had no dialog */
static void tp_call_remember_end(
		const char *callid, size_t len, const tp_call_t *c)
{
	tp_call_t e;

	if(c->mode != TP_MODE_DIALOG)
		return; /* the transaction persona needs no dialog's state */
	memset(&e, 0, sizeof(e));
	e.mode = c->mode;
	e.ue = c->ue;
	e.attempt = c->attempt;
	e.expires = time(NULL) + TP_CALL_ENDED_SECS;
	if(tp_track_set(tp_calls_ended, callid, len, &e) < 0)
		LM_WARN("no shared memory to remember the end of [%.*s]: a request"
				" crossing its BYE gets stock handling\n",
				(int)len, callid);
}

int tp_call_forget(const str *callid, const tp_addr_t *ue,
		unsigned int attempt, tp_call_t *out)
{
	tp_call_t c;

	/* remembered as ended before it is forgotten: a worker between the
	 * two would find neither. Only that attempt's: a new INVITE with the
	 * Call-ID may have replaced it */
	if(tp_track_get(tp_calls, callid->s, callid->len, ue, &c) < 0
			|| c.attempt != attempt)
		return -1;
	tp_call_remember_end(callid->s, callid->len, &c);
	return tp_track_del_if(
			tp_calls, callid->s, callid->len, ue, attempt, 0, out);
}

void tp_call_end(const str *callid, const tp_addr_t *ue, unsigned int attempt)
{
	tp_call_t c;

	if(tp_call_forget(callid, ue, attempt, &c) < 0)
		return;
	if(c.owned)
		tp_release_conn(c.conn_id);
}

static void tp_call_gone(const char *callid, size_t len, const tp_call_t *c)
{
	if(c->owned)
		tp_release_conn(c->conn_id);
}

void tp_call_end_attempt(const str *callid, unsigned int attempt)
{
	tp_track_end_attempt(
			tp_calls, callid->s, callid->len, attempt, tp_call_gone);
}

/* ---- what the legs' connections become ---- */

/* counts the new connection and remembers what it was opened for */
static void tp_own(int id, const tp_tx_t *tx, const tp_leg_t *l)
{
	tp_owner_t w;
	int n;

	memset(&w, 0, sizeof(w));
	w.ue = l->ue;
	w.mode = l->mode;
	n = tx->callid.len < TP_OWNER_CALLID_MAX ? tx->callid.len
											 : TP_OWNER_CALLID_MAX;
	memcpy(w.callid, tx->callid.s, n);
	if(tp_owned_add(tp_owned_conns, id, &w) < 0)
		LM_ERR("no shared memory to remember connection %d\n", id);
	tp_stat_mode(tp_stat_conn_opened, w.mode);
}

typedef struct tp_edit_arg
{
	const tp_tx_t *tx;
	const tp_leg_t *l;
	int conn_id;
} tp_edit_arg_t;

/* the dialog's connection is the leg's new one (a retry replaces the
 * entry of the attempt before it). A reopened one only while its dialog
 * is there: one ended meanwhile (a BYE crossed the request) or replaced
 * by a new attempt must not come back */
static tp_track_edit_result_t tp_edit_dialog_conn(
		tp_call_t *c, int found, void *arg)
{
	tp_edit_arg_t *e = arg;

	if(e->l->reopen && (!found || c->attempt != e->tx->a.attempt))
		return TP_EDIT_NONE;
	c->conn_id = e->conn_id;
	c->owned = 1;
	c->inv_conn_id = 0;
	c->attempt = e->tx->a.attempt;
	c->mode = e->l->mode;
	c->expires = time(NULL) + TP_CALL_MAX_SECS;
	return TP_EDIT_STORE;
}

/* transaction mode: the ACK of a 2xx comes as a new request and goes on
 * the INVITE's connection */
static tp_track_edit_result_t tp_edit_invite_conn(
		tp_call_t *c, int found, void *arg)
{
	tp_edit_arg_t *e = arg;

	c->inv_conn_id = e->conn_id;
	if(!found)
		c->attempt = e->tx->a.attempt;
	c->mode = e->l->mode;
	c->expires = time(NULL) + TP_CALL_MAX_SECS;
	return TP_EDIT_STORE;
}

/* forgets what only the INVITE's transaction (of transaction mode) kept */
static tp_track_edit_result_t tp_edit_drop_invite(
		tp_call_t *c, int found, void *arg)
{
	tp_edit_arg_t *e = arg;

	if(found && c->inv_conn_id == e->conn_id && c->conn_id == 0)
		return TP_EDIT_DROP;
	return TP_EDIT_NONE;
}

/* persona dialog: a re-INVITE that came after its dialog ended; the ACK
 * of its 2xx goes on its connection. Kept with the end, not as a live
 * call: a request after it must not take the dialog for alive */
static tp_track_edit_result_t tp_edit_late_invite_conn(
		tp_call_t *c, int found, void *arg)
{
	tp_edit_arg_t *e = arg;

	if(!found)
		return TP_EDIT_NONE;
	c->inv_conn_id = e->conn_id;
	return TP_EDIT_STORE;
}

/* \return what the edit did (TP_EDIT_NONE: not tracked), or -1 */
static int tp_track_leg(const tp_tx_t *tx, const tp_leg_t *l, int id)
{
	tp_edit_arg_t e = {tx, l, id};
	tp_track_t *table = tp_calls;
	tp_track_edit_f f;
	int r;

	if(l->kind == TP_LEG_NEW_DIALOG) {
		f = tp_edit_dialog_conn;
	} else if(tx->a.is_invite && l->mode == TP_MODE_DIALOG) {
		table = tp_calls_ended;
		f = tp_edit_late_invite_conn;
	} else if(tx->a.is_invite) {
		f = tp_edit_invite_conn;
	} else {
		return TP_EDIT_NONE;
	}
	r = tp_track_edit(table, tx->callid.s, tx->callid.len, &l->ue, f, &e);
	if(r < 0)
		LM_ERR("call [%.*s]: no shared memory to track connection %d\n",
				tx->callid.len, tx->callid.s, id);
	return r;
}

/* the leg's dialog never came to be (refused, unanswered): forgotten if
 * the entry is still this attempt's on this connection */
static void tp_leg_forget(const tp_tx_t *tx, const tp_leg_t *l)
{
	if(l->kind == TP_LEG_NEW_DIALOG && !l->reopen && l->conn_id != 0)
		tp_track_del_if(tp_calls, tx->callid.s, tx->callid.len, &l->ue,
				tx->a.attempt, l->conn_id, NULL);
}

/* tm sends the ACK of a negative final answer on the branch's dst:
 * marked close-after-send, that ACK is the connection's last message */
static void tp_close_after_ack(struct cell *t, int b, int conn_id)
{
	tp_disown(conn_id);
	if(t->uac[b].request.dst.id == conn_id)
		t->uac[b].request.dst.send_flags.f |= SND_F_CON_CLOSE;
}

/* what a leg's final answer means for its connection; runs once both are
 * known. late: the answer was handled before the connection was known,
 * tm's ACK may be gone already */
static void tp_leg_final(
		struct cell *t, tp_tx_t *tx, int b, int code, int late)
{
	tp_leg_t *l = &tx->legs[b];
	int conn = l->conn_id;

	if(l->reopen)
		return; /* the dialog's new connection: its end closes it */
	if(code >= 300)
		tp_leg_forget(tx, l);
	if(!tx->a.is_invite) {
		/* its answer was the last message: of the transaction, or of a
		 * SUBSCRIBE or REFER dialog that never came to be */
		if(l->kind == TP_LEG_NEW_TX || code >= 300)
			tp_release_conn(conn);
		return;
	}
	if(code < 300)
		return; /* the ACK of a 2xx, a request of its own, closes */
	if(late)
		tp_release_conn(conn);
	else
		tp_close_after_ack(t, b, conn);
}

/* ---- tm's and the core's callbacks ---- */

static void tp_on_tx(struct cell *t, int type, struct tmcb_params *ps);

/* the module's record of t, when t has one already: persona_enforce()
 * again for a new branch in failure_route */
static tp_tx_t *tp_tx_of(struct cell *t)
{
	struct tm_callback *cb;

	for(cb = (struct tm_callback *)t->tmcb_hl.first; cb; cb = cb->next) {
		if(cb->callback == tp_on_tx)
			return (tp_tx_t *)cb->param;
	}
	return NULL;
}


static int tp_leg_is_new(const tp_leg_t *l)
{
	return l->kind == TP_LEG_NEW_DIALOG || l->kind == TP_LEG_NEW_TX;
}

/* the next hop of the branch tm is building */
static str *tp_built_hop(sip_msg_t *req)
{
	str *hop = req->dst_uri.len ? &req->dst_uri : &req->new_uri;

	return hop->len ? hop : &req->first_line.u.request.uri;
}

/* the k-th planned leg, or NULL */
static const tp_leg_t *tp_planned(const tp_tx_t *tx, int k)
{
	if(tp_plan.tx != tx || k >= tp_plan.n)
		return NULL;
	if(tp_plan.one)
		return &tp_plan.legs[0];
	return &tp_plan.legs[k];
}

/* a branch is being built: its leg is the one planned for it, if it still
 * goes where the plan said (a branch_route may have sent it elsewhere) */
static void tp_on_fwded(struct cell *t, tp_tx_t *tx, struct tmcb_params *ps)
{
	sip_msg_t *req = ps->req;
	int b = t->nr_of_outgoings; /* counted once it is built */
	int k = tp_plan.tx == tx ? tp_plan.built++ : 0;
	const tp_leg_t *p = tp_planned(tx, k);
	tp_leg_t *l;

	if(req == NULL || b >= tx->nlegs)
		return;
	l = &tx->legs[b];
	if(p && p->kind != TP_LEG_STOCK
			&& (tp_plan.one || tp_leg_hop_is(p, tp_built_hop(req)))) {
		*l = *p;
	} else {
		if(p && p->kind != TP_LEG_STOCK)
			LM_WARN("call [%.*s]: branch %d goes elsewhere than when"
					" persona_enforce() ran; sent as stock\n",
					tx->callid.len, tx->callid.s, b);
		memset(l, 0, sizeof(*l));
	}
	__atomic_or_fetch(&l->state, TP_LEG_DECIDED, __ATOMIC_SEQ_CST);
	tp_send_built(req, l, tp_planned(tx, k + 1));
}

/* the branch was sent: its new connection is the leg's */
static void tp_on_sent(struct cell *t, tp_tx_t *tx, struct tmcb_params *ps)
{
	int b, id, code;
	tp_leg_t *l;

	if((ps->flags & TMCB_LOCAL_F) || ps->t_rbuf == NULL || ps->dst == NULL)
		return; /* tm's own ACK or CANCEL */
	b = ps->t_rbuf->branch;
	if(b >= tx->nlegs || !tp_leg_is_new(l = &tx->legs[b])
			|| (__atomic_load_n(&l->state, __ATOMIC_SEQ_CST) & TP_LEG_SENT))
		return;
	if((id = tp_leg_claim(l, ps->dst, &tx->callid)) == 0
			|| id == l->reg_conn_id)
		return;
	tp_own(id, tx, l);
	ps->t_rbuf->dst.id = id; /* CANCEL and tm's ACK go there too */
	if(tp_track_leg(tx, l, id) == TP_EDIT_NONE && l->reopen) {
		/* its dialog ended (or was replaced) meanwhile: a connection for
		 * this transaction alone, closed like one (before TP_LEG_SENT
		 * shows the leg to the answer's process) */
		l->reopen = 0;
		l->kind = TP_LEG_NEW_TX;
		tp_track_leg(tx, l, id);
	}
	__atomic_store_n(&l->conn_id, id, __ATOMIC_SEQ_CST);
	if(__atomic_fetch_or(&l->state, TP_LEG_SENT, __ATOMIC_SEQ_CST)
			& TP_LEG_FINAL) {
		code = __atomic_load_n(&l->final_code, __ATOMIC_SEQ_CST);
		tp_leg_final(t, tx, b, code, 1);
	}
}

/* tm matches the answer to its own CANCEL to the INVITE's transaction */
static int tp_is_cancel_reply(sip_msg_t *rpl)
{
	if(rpl == NULL || rpl == FAKED_REPLY)
		return 0;
	if(rpl->cseq == NULL && parse_headers(rpl, HDR_CSEQ_F, 0) < 0)
		return 0;
	return rpl->cseq && get_cseq(rpl)->method_id == METHOD_CANCEL;
}

/* the leg an answer belongs to: tm has matched it to its branch (set
 * before TMCB_RESPONSE_IN runs); \return the branch, or -1 */
static int tp_answer_leg(tp_tx_t *tx)
{
	int b = tp_tmb.t_gett_branch();

	if(b < 0 || b >= tx->nlegs || !tp_leg_is_new(&tx->legs[b]))
		return -1;
	return b;
}

/* tm's ACK of a negative answer must never open a connection: it goes
 * on the INVITE's connection or nowhere */
static void tp_ack_no_connect(struct cell *t, int b)
{
	t->uac[b].request.dst.send_flags.f |= SND_F_FORCE_CON_REUSE;
}

static void tp_on_answer(struct cell *t, tp_tx_t *tx, struct tmcb_params *ps)
{
	int none = 0, b;
	tp_leg_t *l;

	if(ps->code < 200 || ps->rpl == NULL || tp_is_cancel_reply(ps->rpl))
		return; /* provisional, or the CANCEL's */
	if(tx->a.kind == TP_ARM_END_DIALOG) {
		/* a challenged BYE is sent again, with credentials: its dialog
		 * lives on */
		if(ps->code != 401 && ps->code != 407)
			tp_call_end(&tx->callid, &tx->a.ue, tx->a.attempt);
		return;
	}
	if((b = tp_answer_leg(tx)) < 0)
		return;
	l = &tx->legs[b];
	if(!__atomic_compare_exchange_n(&l->final_code, &none, ps->code, 0,
			   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return; /* not the leg's first final answer */
	if(tx->a.is_invite && ps->code >= 300)
		tp_ack_no_connect(t, b);
	if(__atomic_fetch_or(&l->state, TP_LEG_FINAL, __ATOMIC_SEQ_CST)
			& TP_LEG_SENT)
		tp_leg_final(t, tx, b, ps->code, 0);
}

/* the transaction is gone: what its legs opened and nobody closed */
static void tp_on_destroy(struct cell *t, tp_tx_t *tx)
{
	tp_edit_arg_t e;
	tp_leg_t *l;
	int b;

	if(tx->a.kind == TP_ARM_END_DIALOG) {
		/* a BYE never answered ends the call too (a no-op after its
		 * answer did) */
		if(t->uas.status != 401 && t->uas.status != 407)
			tp_call_end(&tx->callid, &tx->a.ue, tx->a.attempt);
		return;
	}
	for(b = 0; b < tx->nlegs; b++) {
		l = &tx->legs[b];
		if(!tp_leg_is_new(l) || l->conn_id == 0 || l->reopen)
			continue;
		if(l->kind == TP_LEG_NEW_TX) {
			/* no-op when the answer or the ACK closed it already */
			tp_release_conn(l->conn_id);
			e.tx = tx;
			e.l = l;
			e.conn_id = l->conn_id;
			if(tx->a.is_invite)
				tp_track_edit(tp_calls, tx->callid.s, tx->callid.len, &l->ue,
						tp_edit_drop_invite, &e);
		} else if(l->final_code == 0 || l->final_code >= 300) {
			/* refused or never answered: the dialog never was */
			tp_leg_forget(tx, l);
			tp_release_conn(l->conn_id);
		}
	}
}

static void tp_on_tx(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;

	if(type & TMCB_REQUEST_FWDED)
		tp_on_fwded(t, tx, ps);
	else if(type & TMCB_REQUEST_SENT)
		tp_on_sent(t, tx, ps);
	else if(type & TMCB_RESPONSE_IN)
		tp_on_answer(t, tx, ps);
	else if(type & TMCB_DESTROY)
		tp_on_destroy(t, tx);
}

static void tp_tx_free(void *p)
{
	if(tp_plan.tx == p)
		tp_plan.tx = NULL;
	shm_free(p);
}

unsigned int tp_hooks_attempt(void)
{
	struct cell *t = tp_tmb.t_gett();
	tp_tx_t *tx;

	if(t == NULL || t == T_UNDEFINED || (tx = tp_tx_of(t)) == NULL)
		return 0;
	return tx->a.attempt;
}

/* the legs of the branches tm will build, in its order (the R-URI's
 * unless consumed, then the branch set's), as persona_enforce() just
 * judged them */
static void tp_plan_branches(const tp_leg_t *legs, int n, int max)
{
	tp_plan.n = n < max ? n : max;
	if(tp_plan.n > 0)
		memcpy(tp_plan.legs, legs, tp_plan.n * sizeof(tp_leg_t));
}

static void tp_plan_make(sip_msg_t *msg, tp_tx_t *tx, int again,
		const tp_leg_t *legs, int n)
{
	const snd_flags_t *base = again ? &tx->script_flags : NULL;

	tp_plan.tx = NULL;
	tp_plan.n = tp_plan.built = tp_plan.one = 0;
	if(tp_plan.legs == NULL
			&& (tp_plan.legs = pkg_malloc(tx->nlegs * sizeof(tp_leg_t)))
					   == NULL) {
		LM_ERR("no private memory: branches of [%.*s] sent as stock\n",
				tx->callid.len, tx->callid.s);
		tp_send_begin(msg, NULL, base);
		return;
	}
	tp_plan.tx = tx;
	if(tx->a.kind == TP_ARM_BRANCHES) {
		tp_plan_branches(legs, n, tx->nlegs);
	} else if(tx->a.kind == TP_ARM_NEW_DIALOG || tx->a.kind == TP_ARM_NEW_TX) {
		tp_leg_from_arm(&tp_plan.legs[0], &tx->a);
		tp_plan.one = 1;
		tp_plan.n = tx->nlegs;
	}
	tp_send_begin(msg, tp_planned(tx, 0), base);
}

/* Follows the transaction msg gets (or has): tm keeps callbacks registered
 * for a message without a transaction yet and gives them to the one
 * t_relay() creates. Only armed requests pay for it. */
static void tp_follow(
		sip_msg_t *msg, const tp_arm_t *a, const tp_leg_t *legs, int nlegs)
{
	str cid = msg->callid ? msg->callid->body : (str)STR_NULL;
	int n = sr_dst_max_branches;
	struct cell *t = tp_tmb.t_gett();
	tp_tx_t *tx;

	if(t && t != T_UNDEFINED && (tx = tp_tx_of(t)) != NULL) {
		/* the branches added from now on are decided one by one; the
		 * legs of those sent before stay as they are */
		tx->a.kind = TP_ARM_BRANCHES;
		tp_plan_make(msg, tx, 1, legs, nlegs);
		return;
	}

	tx = shm_mallocxz(sizeof(*tx) + n * sizeof(tp_leg_t) + cid.len);
	if(tx == NULL) {
		LM_ERR("call [%.*s]: no shared memory for the transaction\n", cid.len,
				cid.s);
		return;
	}
	tx->a = *a;
	tx->script_flags = msg->fwd_send_flags;
	tx->nlegs = n;
	tx->callid.s = (char *)&tx->legs[n];
	tx->callid.len = cid.len;
	memcpy(tx->callid.s, cid.s, cid.len);
	if(tp_tmb.register_tmcb(msg, 0,
			   TMCB_REQUEST_FWDED | TMCB_REQUEST_SENT | TMCB_RESPONSE_IN
					   | TMCB_DESTROY,
			   tp_on_tx, tx, tp_tx_free)
			<= 0) {
		LM_ERR("call [%.*s]: cannot follow the transaction\n", cid.len, cid.s);
		shm_free(tx);
		return;
	}
	tp_plan_make(msg, tx, 0, legs, nlegs);
}

void tp_hooks_arm(
		sip_msg_t *msg, const tp_arm_t *a, const tp_leg_t *legs, int n)
{
	if(tp_is_cur(msg) && tp_cur.armed)
		return; /* persona_enforce() twice on one request: once is enough */
	tp_cur.msg_id = msg->id;
	tp_cur.msg_pid = msg->pid;
	tp_cur.armed = 1;
	tp_follow(msg, a, legs, n);
}

/* after a route: nothing more is sent for this transaction */
static int tp_post_script(sip_msg_t *msg, unsigned int flags, void *param)
{
	tp_plan.tx = NULL; /* the route that made it is over */
	tp_send_end(msg);
	if(flags & REQUEST_CB)
		tp_cur.armed = 0;
	return 1;
}

/* Runs in tcp_main when a reader saw the peer close, reset or time out a
 * connection: quick, shared memory only. */
static int tp_on_tcp_closed(sr_event_param_t *evp)
{
	tcp_closed_event_info_t *tev = (tcp_closed_event_info_t *)evp->data;

	if(tev && tev->con) /* who closed a phone's connection, after what */
		tp_discover_closed(
				tev->con->id, tev->reason != TCP_CLOSED_TIMEOUT);
	if(tev == NULL || tev->con == NULL
			|| tp_owned_del(tp_owned_conns, tev->con->id, NULL) < 0)
		return 0; /* not ours, or the module was done with it */
	update_stat(tp_stat_owned_lost, 1);
	LM_INFO("connection %d to %s:%d the proxy opened ended under it (%s)\n",
			tev->con->id, ip_addr2a(&tev->con->rcv.src_ip),
			tev->con->rcv.src_port,
			tev->reason == TCP_CLOSED_RESET		? "reset by the peer"
			: tev->reason == TCP_CLOSED_TIMEOUT ? "idle timeout"
												: "closed by the peer");
	return 0;
}

static int tp_need(const char *mod)
{
	if(module_loaded((char *)mod))
		return 0;
	LM_ERR("tcp_persona needs the %s module: loadmodule \"%s.so\"\n", mod, mod);
	return -1;
}

static int tp_hooks_callbacks(void)
{
	if(tp_conn_events_init(tp_on_tcp_closed) < 0)
		return -1;
	if(register_script_cb(tp_post_script,
			   POST_SCRIPT_CB | REQUEST_CB | FAILURE_CB | ONREPLY_CB,
			   0)
			< 0) {
		LM_ERR("cannot register the script callbacks\n");
		return -1;
	}
	return 0;
}

int tp_hooks_init(unsigned int bind_capacity)
{
	if(tp_need("tm") < 0 || tp_need("rr") < 0)
		return -1;
	if(!tp_conn_async_ok()) {
		LM_ERR("tcp_persona needs tcp_async=yes and tcp_connect_wait=yes\n");
		return -1;
	}
	if(load_tm_api(&tp_tmb) < 0) {
		LM_ERR("cannot bind the tm API\n");
		return -1;
	}
	tp_bindings = tp_bind_create(bind_capacity);
	tp_calls = tp_track_create(TP_CALL_SLOTS_LOG2);
	tp_calls_ended = tp_track_create(TP_CALL_SLOTS_LOG2);
	tp_owned_conns = tp_owned_create(TP_OWNED_SLOTS_LOG2);
	tp_attempt_seq = shm_mallocxz(sizeof(*tp_attempt_seq));
	if(tp_bindings == NULL || tp_calls == NULL || tp_calls_ended == NULL
			|| tp_owned_conns == NULL
			|| tp_attempt_seq == NULL || tp_conn_ids_init() < 0
			|| tp_fresh_init() < 0) {
		LM_ERR("no shared memory for the binding tables\n");
		return -1;
	}
	return tp_hooks_callbacks();
}

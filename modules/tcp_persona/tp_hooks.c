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
#include "core/events.h"
#include "core/pt.h"
#include "core/script_cb.h"
#include "core/sr_module.h"
#include "core/tcp_conn.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_cseq.h"

#include "tp_conn.h"
#include "tp_hooks.h"
#include "tp_stats.h"

#define TP_CALL_SLOTS_LOG2 12
#define TP_OWNED_SLOTS_LOG2 10

tp_bind_table_t *tp_bindings;
tp_track_t *tp_calls;
tp_owned_t *tp_owned_conns;
static struct tm_binds tp_tmb;

/* per process: the arm of the message being routed, and whether this
 * process still holds the UE's connection-opening marker for it */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int armed;
	int marker;
	tp_arm_t a;
} tp_cur;

/* what a transaction remembers, in shm, from its request to its end.
 * conn_id and final_code are written by the sending worker and by the
 * process that got the answer, in either order: atomics decide who acts */
typedef struct tp_tx
{
	tp_arm_t a;
	int conn_id;
	int final_code;
	int state;	/* TP_TX_* bits */
	str callid; /* points into buf */
	char buf[];
} tp_tx_t;

/* the send and the final answer meet here: the second one acts */
#define TP_TX_SENT 1
#define TP_TX_FINAL 2

static int tp_is_cur(sip_msg_t *msg)
{
	return msg && msg->id == tp_cur.msg_id && msg->pid == tp_cur.msg_pid;
}


int tp_disown(int conn_id)
{
	tp_owner_t w;

	if(conn_id == 0 || tp_owned_del(tp_owned_conns, conn_id, &w) < 0)
		return -1;
	tp_stat_mode(tp_stat_conn_closed, w.mode);
	return 1;
}

void tp_release_conn(int conn_id)
{
	if(conn_id == 0)
		return;
	tp_disown(conn_id);
	tp_conn_close(conn_id);
}

void tp_call_end(const str *callid, const tp_addr_t *ue)
{
	tp_call_t c;

	if(tp_track_del(tp_calls, callid->s, callid->len, ue, &c) < 0)
		return;
	if(c.owned)
		tp_release_conn(c.conn_id);
}

/* releases the UE's opening marker an arm holds, once */
static void tp_marker_release(tp_arm_t *a)
{
	int owner = __atomic_exchange_n(&a->owner, 0, __ATOMIC_SEQ_CST);

	if(owner == 0)
		return;
	tp_bind_open_end(tp_bindings, &a->ue, owner);
	if(owner == tp_cur.a.owner)
		tp_cur.marker = 0;
}

/* forgets the call only if it still rides on conn_id: a retried INVITE
 * (after a 401, say) has the Call-ID of the call it replaces. The
 * connection itself is left to its last message. */
static void tp_call_forget_if(
		const str *callid, const tp_addr_t *ue, int conn_id)
{
	tp_call_t c;

	if(conn_id != 0
			&& tp_track_get(tp_calls, callid->s, callid->len, ue, &c) > 0
			&& c.conn_id == conn_id)
		tp_track_del(tp_calls, callid->s, callid->len, ue, NULL);
}

/* tm sends the ACK of a negative final answer on the request's dst:
 * marked close-after-send, that ACK is the connection's last message */
static void tp_close_after_ack(struct cell *t, int conn_id)
{
	int b;

	tp_disown(conn_id);
	for(b = 0; b < t->nr_of_outgoings; b++) {
		if(t->uac[b].request.dst.id == conn_id)
			t->uac[b].request.dst.send_flags.f |= SND_F_CON_CLOSE;
	}
}

/* what a final answer means for the transaction's own connection; runs
 * once both the connection and the answer are known. late: the answer was
 * handled before the connection was known, tm's ACK may be gone already */
static void tp_final_action(struct cell *t, tp_tx_t *tx, int code, int late)
{
	int conn = tx->conn_id;

	if(tx->a.reopen)
		return; /* the dialog's new connection: its end closes it */
	if(!tx->a.is_invite) {
		/* its answer was the last message: of the transaction, or of a
		 * SUBSCRIBE or REFER dialog that never came to be */
		if(tx->a.kind == TP_ARM_NEW_TX || code >= 300)
			tp_release_conn(conn);
		return;
	}
	if(code < 300)
		return; /* the ACK of a 2xx, a request of its own, closes */
	if(late)
		tp_release_conn(conn);
	else
		tp_close_after_ack(t, conn);
}

/* remembers the connection the proxy opened for a call */
static void tp_track_conn(
		const char *cid, size_t len, const tp_arm_t *a, int conn_id)
{
	tp_call_t c;

	memset(&c, 0, sizeof(c));
	if(a->kind == TP_ARM_NEW_DIALOG) {
		c.conn_id = conn_id;
		c.owned = 1;
	} else if(a->is_invite) {
		/* transaction mode: the ACK of a 2xx comes as a new request */
		if(tp_track_get(tp_calls, cid, len, &a->ue, &c) < 0)
			memset(&c, 0, sizeof(c));
		c.inv_conn_id = conn_id;
	} else {
		return;
	}
	c.mode = a->mode;
	c.ue = a->ue;
	c.expires = time(NULL) + TP_CALL_MAX_SECS;
	if(tp_track_set(tp_calls, cid, len, &c) < 0)
		LM_ERR("call [%.*s]: no shared memory to track connection %d\n",
				(int)len, cid, conn_id);
}

/* counts the new connection and remembers what it was opened for */
static void tp_own(int id, const tp_tx_t *tx)
{
	tp_owner_t w;
	int n;

	memset(&w, 0, sizeof(w));
	w.ue = tx->a.ue;
	w.mode = tx->a.mode;
	n = tx->callid.len < TP_OWNER_CALLID_MAX ? tx->callid.len
											 : TP_OWNER_CALLID_MAX;
	memcpy(w.callid, tx->callid.s, n);
	if(tp_owned_add(tp_owned_conns, id, &w) < 0)
		LM_ERR("no shared memory to remember connection %d\n", id);
	tp_stat_mode(tp_stat_conn_opened, w.mode);
}

/* the proxy's connection is the one to the destination tm just sent to */
static void tp_on_sent(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;
	struct ip_addr ip;
	int id, code;

	if((ps->flags & TMCB_LOCAL_F) || ps->dst == NULL
			|| (tx->a.kind != TP_ARM_NEW_DIALOG && tx->a.kind != TP_ARM_NEW_TX)
			|| __atomic_load_n(&tx->conn_id, __ATOMIC_SEQ_CST) != 0)
		return; /* tm's own ACK or CANCEL, no new connection, or known */
	su2ip_addr(&ip, &ps->dst->to);
	id = tp_conn_claim_newest_to(
			&ip, su_getport(&ps->dst->to), tx->a.reg_conn_id);
	tp_marker_release(&tx->a);
	if(id == 0 || id == tx->a.reg_conn_id) {
		LM_WARN("call [%.*s]: no new connection after sending (%d)\n",
				tx->callid.len, tx->callid.s, id);
		return;
	}
	tp_own(id, tx);
	if(ps->t_rbuf)
		ps->t_rbuf->dst.id = id; /* CANCEL and tm's ACK go there too */
	tp_track_conn(tx->callid.s, tx->callid.len, &tx->a, id);
	__atomic_store_n(&tx->conn_id, id, __ATOMIC_SEQ_CST);
	if(__atomic_fetch_or(&tx->state, TP_TX_SENT, __ATOMIC_SEQ_CST)
			& TP_TX_FINAL) {
		code = __atomic_load_n(&tx->final_code, __ATOMIC_SEQ_CST);
		tp_final_action(t, tx, code, 1);
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

/* tm's ACK of a negative answer must never open a connection: it goes
 * on the INVITE's connection or nowhere */
static void tp_ack_no_connect(struct cell *t)
{
	int b;

	for(b = 0; b < t->nr_of_outgoings; b++)
		t->uac[b].request.dst.send_flags.f |= SND_F_FORCE_CON_REUSE;
}

static void tp_on_final(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;
	int none = 0;

	if(ps->code < 200 || tp_is_cancel_reply(ps->rpl)
			|| !__atomic_compare_exchange_n(&tx->final_code, &none, ps->code, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return; /* provisional, the CANCEL's, or not the first final */
	if(tx->a.kind == TP_ARM_END_DIALOG) {
		tp_call_end(&tx->callid, &tx->a.ue);
		return;
	}
	if(tx->a.is_invite && ps->code >= 300)
		tp_ack_no_connect(t);
	if(__atomic_fetch_or(&tx->state, TP_TX_FINAL, __ATOMIC_SEQ_CST)
			& TP_TX_SENT) {
		if(tx->a.kind == TP_ARM_NEW_DIALOG && ps->code >= 300 && !tx->a.reopen)
			tp_call_forget_if(&tx->callid, &tx->a.ue, tx->conn_id);
		tp_final_action(t, tx, ps->code, 0);
	}
}

static void tp_on_destroy(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;
	tp_call_t c;

	tp_marker_release(&tx->a); /* a send that never happened */
	if(tx->a.kind == TP_ARM_NEW_TX) {
		/* no-op when the answer or the ACK closed it already */
		tp_release_conn(tx->conn_id);
		if(tx->a.is_invite
				&& tp_track_get(tp_calls, tx->callid.s, tx->callid.len,
						   &tx->a.ue, &c)
						   > 0
				&& c.inv_conn_id == tx->conn_id && c.conn_id == 0)
			tp_track_del(
					tp_calls, tx->callid.s, tx->callid.len, &tx->a.ue, NULL);
	} else if(tx->a.kind == TP_ARM_NEW_DIALOG && !tx->a.reopen
			  && (tx->final_code == 0 || tx->final_code >= 300)) {
		/* refused or never answered: the dialog never was */
		tp_call_forget_if(&tx->callid, &tx->a.ue, tx->conn_id);
		tp_release_conn(tx->conn_id); /* no-op after its ACK closed it */
	} else if(tx->a.kind == TP_ARM_END_DIALOG && tx->final_code == 0) {
		tp_call_end(&tx->callid, &tx->a.ue); /* a BYE never answered */
	}
}

static void tp_on_tx(struct cell *t, int type, struct tmcb_params *ps)
{
	if(type & TMCB_REQUEST_SENT)
		tp_on_sent(t, type, ps);
	else if(type & TMCB_RESPONSE_IN)
		tp_on_final(t, type, ps);
	else if(type & TMCB_DESTROY)
		tp_on_destroy(t, type, ps);
}

static void tp_tx_free(void *p)
{
	shm_free(p);
}

/* Follows the transaction msg gets (or has): tm keeps callbacks registered
 * for a message without a transaction yet and gives them to the one
 * t_relay() creates. Only armed requests pay for it: no callback runs for
 * the rest of the traffic. */
static void tp_follow(sip_msg_t *msg, const tp_arm_t *a)
{
	str cid = msg->callid ? msg->callid->body : (str)STR_NULL;
	tp_tx_t *tx;

	tx = shm_mallocxz(sizeof(*tx) + cid.len);
	if(tx == NULL) {
		LM_ERR("call [%.*s]: no shared memory for the transaction\n", cid.len,
				cid.s);
		return;
	}
	tx->a = *a;
	tx->callid.s = tx->buf;
	tx->callid.len = cid.len;
	memcpy(tx->buf, cid.s, cid.len);
	if(tp_tmb.register_tmcb(msg, 0,
			   TMCB_REQUEST_SENT | TMCB_RESPONSE_IN | TMCB_DESTROY, tp_on_tx,
			   tx, tp_tx_free)
			<= 0) {
		LM_ERR("call [%.*s]: cannot follow the transaction\n", cid.len, cid.s);
		shm_free(tx);
	}
}

void tp_hooks_arm(sip_msg_t *msg, const tp_arm_t *a)
{
	if(tp_is_cur(msg) && tp_cur.armed)
		return; /* persona_enforce() twice on one request: once is enough */
	memset(&tp_cur, 0, sizeof(tp_cur));
	tp_cur.msg_id = msg->id;
	tp_cur.msg_pid = msg->pid;
	tp_cur.a = *a;
	tp_cur.armed = 1;
	tp_cur.marker = a->owner != 0;
	tp_follow(msg, a);
}

/* a request whose send never reached TMCB_REQUEST_SENT must not keep the
 * UE's connection-opening marker until it runs out */
static int tp_post_script(sip_msg_t *msg, unsigned int flags, void *param)
{
	if(tp_is_cur(msg) && tp_cur.marker) {
		tp_bind_open_end(tp_bindings, &tp_cur.a.ue, tp_cur.a.owner);
		tp_cur.marker = 0;
	}
	tp_cur.armed = 0;
	return 1;
}

/* Runs in tcp_main when a reader saw the peer close, reset or time out a
 * connection: quick, shared memory only. */
static int tp_on_tcp_closed(sr_event_param_t *evp)
{
	tcp_closed_event_info_t *tev = (tcp_closed_event_info_t *)evp->data;

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

int tp_hooks_init(unsigned int bind_slots_log2)
{
	if(tp_need("tm") < 0 || tp_need("dialog") < 0 || tp_need("rr") < 0)
		return -1;
	if(!tp_conn_async_ok()) {
		LM_ERR("tcp_persona needs tcp_async=yes and tcp_connect_wait=yes\n");
		return -1;
	}
	if(load_tm_api(&tp_tmb) < 0) {
		LM_ERR("cannot bind the tm API\n");
		return -1;
	}
	tp_bindings = tp_bind_create(bind_slots_log2);
	tp_calls = tp_track_create(TP_CALL_SLOTS_LOG2);
	tp_owned_conns = tp_owned_create(TP_OWNED_SLOTS_LOG2);
	if(tp_bindings == NULL || tp_calls == NULL || tp_owned_conns == NULL
			|| tp_conn_ids_init() < 0) {
		LM_ERR("no shared memory for the binding tables\n");
		return -1;
	}
	if(tp_conn_events_init(tp_on_tcp_closed) < 0)
		return -1;
	if(register_script_cb(tp_post_script, POST_SCRIPT_CB | REQUEST_CB, 0)
			< 0) {
		LM_ERR("cannot register the tm or script callbacks\n");
		return -1;
	}
	return 0;
}

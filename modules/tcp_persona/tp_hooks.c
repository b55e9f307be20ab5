/*
 * tcp_persona - tm and dialog callbacks that carry a policy through
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/pt.h"
#include "core/script_cb.h"
#include "core/sr_module.h"
#include "core/timer.h"
#include "core/timer_ticks.h"
#include "core/tcp_options.h"
#include "core/cfg/cfg.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_cseq.h"

#include "tp_conn.h"
#include "tp_hooks.h"

#define TP_BIND_SLOTS_LOG2 12
#define TP_CALL_SLOTS_LOG2 12
#define TP_SWEEP_SECS 5
#define TP_KEEP_MARGIN_SECS 30

tp_bind_table_t *tp_bindings;
tp_track_t *tp_calls;
struct tm_binds tp_tmb;
static struct dlg_binds tp_dlgb;
static cmd_function tp_dlg_manage; /* dialog's dlg_manage() */

/* per process: the arm of the message being routed, and whether the
 * dialog module was asked to track its dialog for us */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	int armed;
	int want_dialog;
	tp_arm_t a;
} tp_cur;

/* what a transaction remembers, in shm, from its request to its end */
typedef struct tp_tx
{
	tp_arm_t a;
	int conn_id;
	int final_code;
	str callid; /* points into buf */
	char buf[];
} tp_tx_t;

static int tp_is_cur(sip_msg_t *msg)
{
	return msg && msg->id == tp_cur.msg_id && msg->pid == tp_cur.msg_pid;
}

static void tp_set_cur(sip_msg_t *msg)
{
	if(!tp_is_cur(msg)) {
		memset(&tp_cur, 0, sizeof(tp_cur));
		tp_cur.msg_id = msg->id;
		tp_cur.msg_pid = msg->pid;
	}
}

void tp_hooks_arm(sip_msg_t *msg, const tp_arm_t *a)
{
	tp_set_cur(msg);
	tp_cur.a = *a;
	tp_cur.armed = 1;
}

void tp_call_end(const str *callid)
{
	tp_call_t c;

	if(tp_track_del(tp_calls, callid->s, callid->len, &c) < 0)
		return;
	if(c.owned && c.conn_id > 0 && tp_conn_close(c.conn_id) > 0)
		LM_DBG("call [%.*s] ended: closed connection %d\n", callid->len,
				callid->s, c.conn_id);
}

/* the proxy's connection is the one to the destination tm just sent to */
static void tp_on_sent(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;
	struct ip_addr ip;
	tp_call_t c;
	int id;

	if((ps->flags & TMCB_LOCAL_F) || tx->conn_id != 0 || ps->dst == NULL)
		return; /* tm's own ACK or CANCEL, or already known */
	su2ip_addr(&ip, &ps->dst->to);
	id = tp_conn_newest_to(&ip, su_getport(&ps->dst->to));
	tp_bind_open_end(tp_bindings, &tx->a.ue, my_pid());
	if(id <= 0) {
		LM_WARN("call [%.*s]: no connection found after sending\n",
				tx->callid.len, tx->callid.s);
		return;
	}
	tp_conn_hide(id); /* nothing else may ride on it */
	tx->conn_id = id;
	if(ps->t_rbuf)
		ps->t_rbuf->dst.id = id; /* CANCEL and tm's ACK go there too */
	memset(&c, 0, sizeof(c));
	if(tx->a.kind == TP_ARM_NEW_DIALOG) {
		c.conn_id = id;
		c.owned = 1;
	} else if(tx->a.is_invite) {
		/* transaction mode: the ACK for a 2xx comes as a new request */
		if(tp_track_get(tp_calls, tx->callid.s, tx->callid.len, &c) < 0)
			memset(&c, 0, sizeof(c));
		c.inv_conn_id = id;
	} else {
		return;
	}
	c.mode = tx->a.mode;
	c.ue = tx->a.ue;
	c.expires = time(NULL) + TP_CALL_MAX_SECS;
	if(tp_track_set(tp_calls, tx->callid.s, tx->callid.len, &c) < 0)
		LM_ERR("call [%.*s]: no shared memory to track connection %d\n",
				tx->callid.len, tx->callid.s, id);
}

/* tm sends the ACK of a negative final answer on the request's dst:
 * marked close-after-send, that ACK is the connection's last message */
static void tp_close_after_ack(struct cell *t, tp_tx_t *tx)
{
	int b;

	for(b = 0; b < t->nr_of_outgoings; b++) {
		if(t->uac[b].request.dst.id == tx->conn_id)
			t->uac[b].request.dst.send_flags.f |= SND_F_CON_CLOSE;
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

static void tp_on_final(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;

	if(ps->code < 200 || tx->final_code != 0 || tp_is_cancel_reply(ps->rpl))
		return;
	tx->final_code = ps->code;
	switch(tx->a.kind) {
		case TP_ARM_NEW_DIALOG:
			if(ps->code >= 300) {
				tp_close_after_ack(t, tx);
				tp_track_del(tp_calls, tx->callid.s, tx->callid.len, NULL);
			}
			break;
		case TP_ARM_NEW_TX:
			if(!tx->a.is_invite)
				tp_conn_close(tx->conn_id);
			else if(ps->code >= 300)
				tp_close_after_ack(t, tx);
			/* an INVITE's 2xx: the ACK, a request of its own, closes */
			break;
		case TP_ARM_END_DIALOG:
			tp_call_end(&tx->callid);
			break;
		default:
			break;
	}
}

static void tp_on_destroy(struct cell *t, int type, struct tmcb_params *ps)
{
	tp_tx_t *tx = (tp_tx_t *)*ps->param;
	tp_call_t c;

	if(tx->a.kind == TP_ARM_NEW_TX && tx->conn_id > 0) {
		/* no-op when the answer or the ACK closed it already */
		tp_conn_close(tx->conn_id);
		if(tx->a.is_invite
				&& tp_track_get(tp_calls, tx->callid.s, tx->callid.len, &c) > 0
				&& c.inv_conn_id == tx->conn_id && c.conn_id == 0)
			tp_track_del(tp_calls, tx->callid.s, tx->callid.len, NULL);
	} else if(tx->a.kind == TP_ARM_NEW_DIALOG
			  && (tx->final_code == 0 || tx->final_code >= 300)) {
		/* never answered (local timeout): the dialog never was */
		tp_call_end(&tx->callid);
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

/* tm created the transaction of an armed request: follow it */
static void tp_on_request_in(struct cell *t, int type, struct tmcb_params *ps)
{
	sip_msg_t *msg = ps->req;
	tp_tx_t *tx;
	str cid;

	if(!tp_is_cur(msg) || !tp_cur.armed)
		return;
	tp_cur.armed = 0;
	cid = msg->callid ? msg->callid->body : (str)STR_NULL;
	tx = shm_mallocxz(sizeof(*tx) + cid.len);
	if(tx == NULL) {
		LM_ERR("call [%.*s]: no shared memory for the transaction\n", cid.len,
				cid.s);
		return;
	}
	tx->a = tp_cur.a;
	tx->callid.s = tx->buf;
	tx->callid.len = cid.len;
	memcpy(tx->buf, cid.s, cid.len);
	if(tp_tmb.register_tmcb(0, t,
			   TMCB_REQUEST_SENT | TMCB_RESPONSE_IN | TMCB_DESTROY, tp_on_tx,
			   tx, tp_tx_free)
			<= 0) {
		LM_ERR("call [%.*s]: cannot follow the transaction\n", cid.len, cid.s);
		shm_free(tx);
	}
}

/* a request that never made a transaction must not keep the UE's
 * connection-opening marker until it times out */
static int tp_post_script(sip_msg_t *msg, unsigned int flags, void *param)
{
	if(tp_is_cur(msg) && tp_cur.armed) {
		tp_bind_open_end(tp_bindings, &tp_cur.a.ue, my_pid());
		tp_cur.armed = 0;
	}
	return 1;
}

static void tp_free_str(void *p)
{
	shm_free(p);
}

static void tp_on_dlg_expired(
		struct dlg_cell *dlg, int type, struct dlg_cb_params *p)
{
	str *cid = (str *)*p->param;

	LM_DBG("dialog [%.*s] timed out\n", cid->len, cid->s);
	tp_call_end(cid);
}

/* the dialog module's timeout of this dialog ends the call for us too */
static void tp_watch_dialog(struct dlg_cell *dlg, sip_msg_t *msg)
{
	str *cid;

	if(msg->callid == NULL)
		return;
	cid = shm_malloc(sizeof(str) + msg->callid->body.len);
	if(cid == NULL)
		return;
	cid->s = (char *)(cid + 1);
	cid->len = msg->callid->body.len;
	memcpy(cid->s, msg->callid->body.s, cid->len);
	if(tp_dlgb.register_dlgcb(
			   dlg, DLGCB_EXPIRED, tp_on_dlg_expired, cid, tp_free_str)
			!= 0)
		shm_free(cid);
}

static void tp_on_dlg_created(
		struct dlg_cell *dlg, int type, struct dlg_cb_params *p)
{
	if(tp_is_cur(p->req) && tp_cur.want_dialog)
		tp_watch_dialog(dlg, p->req);
}

int tp_hooks_track_dialog(sip_msg_t *msg)
{
	struct dlg_cell *dlg;

	tp_set_cur(msg);
	/* the script may have called dlg_manage() already */
	if((dlg = tp_dlgb.get_dlg(msg)) != NULL) {
		tp_watch_dialog(dlg, msg);
		tp_dlgb.release_dlg(dlg);
		return 1;
	}
	tp_cur.want_dialog = 1;
	return tp_dlg_manage(msg, NULL, NULL) > 0 ? 1 : -1;
}

static void tp_on_gone(const char *callid, size_t len, const tp_call_t *c)
{
	if(c->owned && c->conn_id > 0)
		tp_conn_close(c->conn_id);
}

static void tp_keep_one(int conn_id, unsigned int secs, void *arg)
{
	tp_conn_keep(conn_id, secs + TP_KEEP_MARGIN_SECS);
}

/* Every send on a connection resets its idle timeout to
 * tcp_connection_lifetime: a reuse UE's registration connection is
 * stretched again, more often than that lifetime, while it is bound. */
static void tp_keep_reuse(unsigned int ticks, void *param)
{
	tp_bind_each_reuse(tp_bindings, time(NULL), tp_keep_one, NULL);
}

static void tp_sweep(unsigned int ticks, void *param)
{
	time_t now = time(NULL);

	tp_bind_sweep(tp_bindings, now);
	tp_track_sweep(tp_calls, now, tp_on_gone);
}

/* a third of tcp_connection_lifetime, between 1 and 5 seconds */
static unsigned int tp_keep_interval(void)
{
	unsigned int secs = TICKS_TO_S(cfg_get(tcp, tcp_cfg, con_lifetime)) / 3;

	return secs < 1 ? 1 : secs > 5 ? 5 : secs;
}

static int tp_need(const char *mod)
{
	if(module_loaded((char *)mod))
		return 0;
	LM_ERR("tcp_persona needs the %s module: loadmodule \"%s.so\"\n", mod, mod);
	return -1;
}

int tp_hooks_init(void)
{
	if(tp_need("tm") < 0 || tp_need("dialog") < 0 || tp_need("rr") < 0)
		return -1;
	if(tp_conn_events_init() < 0)
		return -1;
	if(!tp_conn_async_ok()) {
		LM_ERR("tcp_persona needs tcp_async=yes and tcp_connect_wait=yes\n");
		return -1;
	}
	if(load_tm_api(&tp_tmb) < 0 || load_dlg_api(&tp_dlgb) < 0) {
		LM_ERR("cannot bind the tm or dialog API\n");
		return -1;
	}
	tp_dlg_manage = find_export("dlg_manage", 0, 0);
	if(tp_dlg_manage == NULL) {
		LM_ERR("the dialog module exports no dlg_manage()\n");
		return -1;
	}
	tp_bindings = tp_bind_create(TP_BIND_SLOTS_LOG2);
	tp_calls = tp_track_create(TP_CALL_SLOTS_LOG2);
	if(tp_bindings == NULL || tp_calls == NULL) {
		LM_ERR("no shared memory for the binding tables\n");
		return -1;
	}
	if(tp_tmb.register_tmcb(0, 0, TMCB_REQUEST_IN, tp_on_request_in, 0, 0) <= 0
			|| tp_dlgb.register_dlgcb(
					   NULL, DLGCB_CREATED, tp_on_dlg_created, NULL, NULL)
					   != 0
			|| register_script_cb(
					   tp_post_script, POST_SCRIPT_CB | REQUEST_CB, 0)
					   < 0
			|| register_timer(tp_sweep, 0, TP_SWEEP_SECS) < 0
			|| register_timer(tp_keep_reuse, 0, tp_keep_interval()) < 0) {
		LM_ERR("cannot register the tm, dialog, script or timer callbacks\n");
		return -1;
	}
	return 0;
}

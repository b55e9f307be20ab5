/*
 * tcp_persona - bindings and rule reloads shared between P-CSCFs (DMQ)
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_content.h"
#include "core/sr_module.h"
#include "core/timer_proc.h"
#include "modules/dmq/bind_dmq.h"

#include "tp_dmq.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_nodes.h"
#include "tp_register.h"
#include "tp_reload.h"
#include "tp_repl.h"
#include "tp_stats.h"

int tp_dmq_enable = 0;

/* one KDMQ body: under Kamailio's 16 KiB TCP read buffer, and one UDP
 * datagram */
#define TP_DMQ_MSG_MAX 12000
/* records waiting for the sender: about 1,500 REGISTERs */
#define TP_DMQ_QUEUE (256 * 1024)
/* a User-Agent is sent cut to this (it only re-classifies on a reload) */
#define TP_DMQ_UA_MAX 1024
#define TP_DMQ_SEND_US 200000 /* how often the sender looks at the queue */

typedef struct tp_outq
{
	gen_lock_t lock;
	size_t len;
	char buf[TP_DMQ_QUEUE];
} tp_outq_t;

static dmq_api_t tp_dmqb;
static dmq_peer_t *tp_peer;
static tp_nodes_t *tp_nodes;
static tp_outq_t *tp_q;
static str tp_self = STR_NULL;
static str tp_ct = str_init("text/plain");

static int tp_dmq_ignore(sip_msg_t *rpl, int code, dmq_node_t *node, void *p)
{
	return 0;
}
static dmq_resp_cback_t tp_dmq_noreply = {tp_dmq_ignore, 0};

/* sends text to node, or to every other node when node is NULL */
static void tp_dmq_send(char *text, size_t len, dmq_node_t *node)
{
	str body = {text, (int)len};
	int r = node ? tp_dmqb.send_message(
						   tp_peer, &body, node, &tp_dmq_noreply, 1, &tp_ct)
				 : tp_dmqb.bcast_message(
						   tp_peer, &body, NULL, &tp_dmq_noreply, 1, &tp_ct);
	if(r < 0)
		LM_ERR("tcp_persona: a DMQ message of %zu bytes was not sent\n", len);
}

static void tp_dmq_queue(const char *rec, size_t len)
{
	lock_get(&tp_q->lock);
	if(tp_q->len + len > sizeof(tp_q->buf)) {
		lock_release(&tp_q->lock);
		update_stat(tp_stat_dmq_dropped, 1);
		return;
	}
	memcpy(tp_q->buf + tp_q->len, rec, len);
	tp_q->len += len;
	lock_release(&tp_q->lock);
}

void tp_dmq_put(const tp_binding_t *b, const char *ua, size_t ua_len)
{
	char text[2 * TP_DMQ_UA_MAX + 1024];
	tp_repl_buf_t out = {text, 0, sizeof(text)};

	if(!tp_dmq_enable)
		return;
	if(tp_repl_put(&out, b, ua, ua_len > TP_DMQ_UA_MAX ? TP_DMQ_UA_MAX : ua_len,
			   tp_self.s, (size_t)tp_self.len)
			== 0)
		tp_dmq_queue(text, out.len);
}

void tp_dmq_del(
		const tp_addr_t *contact, const tp_addr_t *source, time_t expires)
{
	char text[256];
	tp_repl_buf_t out = {text, 0, sizeof(text)};

	if(tp_dmq_enable && tp_repl_del(&out, contact, source, expires) == 0)
		tp_dmq_queue(text, out.len);
}

/* the sender process: the queue, in messages of whole records */
static void tp_dmq_flush(unsigned int ticks, void *param)
{
	static char msg[TP_DMQ_MSG_MAX];
	tp_repl_buf_t out = {msg, 0, sizeof(msg)};
	size_t take, head;
	int rounds, recs;

	for(rounds = 0; rounds < 64; rounds++) {
		tp_repl_begin(&out, TP_REPL_UPDATE);
		head = out.len;
		lock_get(&tp_q->lock);
		take = tp_q->len < sizeof(msg) - head ? tp_q->len : sizeof(msg) - head;
		while(take > 0 && tp_q->buf[take - 1] != '\n')
			take--;
		memcpy(msg + head, tp_q->buf, take);
		memmove(tp_q->buf, tp_q->buf + take, tp_q->len - take);
		tp_q->len -= take;
		lock_release(&tp_q->lock);
		if(take == 0)
			return;
		for(recs = 0, out.len = head; out.len < head + take; out.len++)
			recs += msg[out.len] == '\n';
		tp_dmq_send(msg, out.len, NULL);
		update_stat(tp_stat_dmq_sent, recs);
	}
}

/* a record from another node: its binding (made there, so no connection
 * of this node) or the end of its registration */
static int tp_dmq_apply(const tp_repl_rec_t *r, void *arg)
{
	tp_repl_kind_t kind = *(const tp_repl_kind_t *)arg; /* read first */
	tp_binding_t b = r->b;
	const char *why;
	int node;

	if(r->op == 'D') {
		/* not a registration made since, here or through another node */
		tp_bind_del_if(tp_bindings, &b.contact, &b.source, b.expires, NULL);
	} else {
		if(b.expires <= time(NULL))
			return 0;
		if((node = tp_node_id(tp_nodes, r->origin, r->origin_len)) < 0) {
			LM_WARN("tcp_persona: more than %d DMQ nodes; a binding of"
					" %.*s is not kept\n",
					TP_NODES_MAX, (int)r->origin_len, r->origin);
			return 0;
		}
		/* this node's own, back from the bus (a node list that names it
		 * twice): its copy here has the connection; after a restart a
		 * joining node's state answer is all there is */
		if(node == 0 && kind != TP_REPL_STATE)
			return 0;
		b.node = (uint8_t)node;
		b.reg_conn_id = 0;
		/* max_bindings and the shm reserve hold for replicas too */
		if(!tp_bind_has(tp_bindings, &b.contact)
				&& (why = tp_no_room()) != NULL) {
			tp_refused(why, &b.contact, b.aor);
			return 0;
		}
		if(tp_bind_put_newer(tp_bindings, &b, r->ua, r->ua_len) == 0)
			update_stat(tp_stat_dmq_conflicts, 1);
	}
	update_stat(tp_stat_dmq_received, 1);
	return 0;
}

#define TP_DMQ_VIEWS 32

/* every live binding, to node (a joining one), in batches */
static void tp_dmq_send_all(dmq_node_t *node)
{
	char *msg = pkg_malloc(TP_DMQ_MSG_MAX);
	tp_bind_view_t *v = pkg_malloc(sizeof(*v) * TP_DMQ_VIEWS);
	tp_repl_buf_t out = {msg, 0, TP_DMQ_MSG_MAX};
	tp_bind_cursor_t cur = {0, 0};
	char origin[TP_NODE_NAME_MAX + 1];
	time_t now = time(NULL);
	unsigned int n, k;

	if(msg == NULL || v == NULL)
		goto done;
	tp_repl_begin(&out, TP_REPL_STATE);
	while((n = tp_bind_next(tp_bindings, now, &cur, v, TP_DMQ_VIEWS)) > 0) {
		for(k = 0; k < n; k++) {
			tp_node_name(tp_nodes, v[k].b.node, origin, sizeof(origin));
			if(tp_repl_put(&out, &v[k].b, v[k].ua, v[k].ua_len, origin,
					   strlen(origin))
					== 0)
				continue;
			tp_dmq_send(msg, out.len, node);
			update_stat(tp_stat_dmq_sync_batches, 1);
			tp_repl_begin(&out, TP_REPL_STATE);
			k--; /* again, into the empty message */
		}
	}
	if(out.len > sizeof(TP_REPL_MAGIC " state\n") - 1) {
		tp_dmq_send(msg, out.len, node);
		update_stat(tp_stat_dmq_sync_batches, 1);
	}
done:
	if(msg)
		pkg_free(msg);
	if(v)
		pkg_free(v);
}

static void tp_dmq_reload_here(peer_reponse_t *resp, int reclassify)
{
	static char reason[160];
	char err[TP_LOAD_ERR_MAX + 64];
	tp_reload_result_t res;

	if(tp_reload_run(reclassify, &res, err, sizeof(err)) < 0) {
		LM_ERR("tcp_persona: reload asked by a DMQ node: %s (the old rule"
			   " set stays active)\n",
				err);
		resp->resp_code = 500;
		snprintf(reason, sizeof(reason), "not reloaded: %.100s", err);
	} else {
		resp->resp_code = 200;
		snprintf(reason, sizeof(reason),
				"reloaded %d rules, generation %u, %u changed", res.rules,
				(unsigned int)res.gen, res.changed);
	}
	resp->reason.s = reason;
	resp->reason.len = (int)strlen(reason);
}

/* a DMQ worker: a message of another node's module */
static int tp_dmq_recv(sip_msg_t *msg, peer_reponse_t *resp, dmq_node_t *node)
{
	static str ok = str_init("OK"), bad = str_init("Not tcp_persona text");
	tp_repl_kind_t kind;
	char *body;
	size_t off = 0;
	long len;

	/* dmq parsed the headers before it cloned the message */
	if(msg->content_length == NULL
			|| (body = get_body(msg)) == NULL
			|| (len = get_content_length(msg)) <= 0
			|| body + len > msg->buf + msg->len
			|| tp_repl_read(body, (size_t)len, &kind, tp_dmq_apply, &kind, &off)
					   < 0) {
		LM_WARN("tcp_persona: a DMQ message not read (at byte %zu)\n", off);
		resp->resp_code = 400;
		resp->reason = bad;
		return 0;
	}
	resp->resp_code = 200;
	resp->reason = ok;
	if(kind == TP_REPL_SYNC)
		tp_dmq_send_all(node);
	else if(kind == TP_REPL_RELOAD || kind == TP_REPL_RECLASSIFY)
		tp_dmq_reload_here(resp, kind == TP_REPL_RECLASSIFY);
	return 0;
}

/* this node joined: the others send what they hold */
static int tp_dmq_joined(void)
{
	char text[64];
	tp_repl_buf_t out = {text, 0, sizeof(text)};

	tp_repl_begin(&out, TP_REPL_SYNC);
	tp_dmq_send(text, out.len, NULL);
	return 0;
}

/* a node's answer to a reload: kept for tcp_persona.nodes */
static int tp_dmq_reload_answer(
		sip_msg_t *rpl, int code, dmq_node_t *node, void *param)
{
	const char *text = code == 408 ? "no answer" : "";
	size_t len = strlen(text), name = 0;

	/* tm's stand-in for a reply that never came is (sip_msg_t *)-1 */
	if(rpl && rpl != (sip_msg_t *)-1 && rpl->first_line.type == SIP_REPLY) {
		text = rpl->first_line.u.reply.reason.s;
		len = (size_t)rpl->first_line.u.reply.reason.len;
	}
	if(node == NULL || node->orig_uri.s == NULL)
		return 0;
	/* the node's address without its parameters (;status=...) */
	while(name < (size_t)node->orig_uri.len && node->orig_uri.s[name] != ';')
		name++;
	tp_node_reloaded(tp_nodes, node->orig_uri.s, name, code, text, len,
			time(NULL), (unsigned int)(uintptr_t)param);
	return 0;
}
static dmq_resp_cback_t tp_dmq_reload_cb = {tp_dmq_reload_answer, 0};

struct tp_nodes *tp_dmq_nodes(void)
{
	return tp_dmq_enable ? tp_nodes : NULL;
}

unsigned int tp_dmq_reload(int reclassify)
{
	static unsigned int seq; /* the RPC process's own count */
	char text[64];
	tp_repl_buf_t out = {text, 0, sizeof(text)};

	if(!tp_dmq_enable)
		return 0;
	/* tm copies the callback, param included, into each transaction */
	if(++seq == 0)
		seq = 1;
	tp_dmq_reload_cb.param = (void *)(uintptr_t)seq;
	tp_repl_begin(&out, reclassify ? TP_REPL_RECLASSIFY : TP_REPL_RELOAD);
	if(tp_dmqb.bcast_message(tp_peer, &(str){text, (int)out.len}, NULL,
			   &tp_dmq_reload_cb, 1, &tp_ct)
			< 0) {
		LM_ERR("tcp_persona: the reload was not sent to the other nodes\n");
		return 0;
	}
	return seq;
}

const char *tp_dmq_node_name(int id, char *buf, size_t size)
{
	if(!tp_dmq_enable || tp_nodes == NULL) {
		snprintf(buf, size, "%s", id == 0 ? "local" : "");
		return buf;
	}
	return tp_node_name(tp_nodes, id, buf, size);
}

/* dmq's own address names this node */
static int tp_dmq_self(void)
{
	struct sr_module *m = find_module_by_name("dmq");
	modparam_t type;
	str *sa;

	if(m == NULL) {
		LM_ERR("enable_dmq: load dmq.so before tcp_persona\n");
		return -1;
	}
	sa = find_param_export(m, "server_address", PARAM_STR, &type);
	if(sa == NULL || sa->len <= 0 || sa->len > TP_NODE_NAME_MAX) {
		LM_ERR("enable_dmq: dmq's server_address is not set (or longer than"
			   " %d)\n",
				TP_NODE_NAME_MAX);
		return -1;
	}
	tp_self = *sa;
	return 0;
}

int tp_dmq_init(void)
{
	dmq_peer_t p;

	if(!tp_dmq_enable)
		return 0;
	if(tp_dmq_self() < 0 || dmq_load_api(&tp_dmqb) < 0) {
		LM_ERR("enable_dmq: cannot bind the dmq module's API\n");
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.peer_id.s = "tcp_persona";
	p.peer_id.len = sizeof("tcp_persona") - 1;
	p.description = p.peer_id;
	p.callback = tp_dmq_recv;
	p.init_callback = tp_dmq_joined;
	if((tp_peer = tp_dmqb.register_dmq_peer(&p)) == NULL
			|| (tp_nodes = tp_nodes_create(tp_self.s, (size_t)tp_self.len))
					   == NULL
			|| (tp_q = shm_mallocxz(sizeof(*tp_q))) == NULL) {
		LM_ERR("enable_dmq: cannot register the DMQ peer\n");
		return -1;
	}
	lock_init(&tp_q->lock);
	register_basic_timers(1); /* counts a utimer process too */
	LM_INFO("DMQ peer tcp_persona, this node %.*s\n", tp_self.len, tp_self.s);
	return 0;
}

int tp_dmq_start(void)
{
	if(!tp_dmq_enable)
		return 0;
	/* make_sock: DMQ may ride TCP, through tcp_main */
	if(fork_basic_utimer(PROC_TIMER, "tcp_persona dmq", 1, tp_dmq_flush, NULL,
			   TP_DMQ_SEND_US)
			< 0) {
		LM_ERR("cannot start the tcp_persona DMQ sender\n");
		return -1;
	}
	return 0;
}

/*
 * tcp_persona - bindings and rule reloads shared between P-CSCFs (DMQ):
 * the peer, what it receives, reloads
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/dprint.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_content.h"
#include "core/sr_module.h"
#include "core/timer_proc.h"

#include "tp_dmq.h"
#include "tp_dmq_int.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_register.h"
#include "tp_reload.h"
#include "tp_repl.h"
#include "tp_stats.h"

int tp_dmq_enable = 0;

dmq_api_t tp_dmqb;
dmq_peer_t *tp_peer;
tp_nodes_t *tp_nodes;
tp_tombs_t *tp_tombs;
str tp_self = STR_NULL;
str tp_dmq_ct = str_init("text/plain");

#define TP_DMQ_SEND_US 200000 /* how often the sender looks at the queue */
#define TP_TOMBS_LOG2 12	  /* 4096 recent removals */
/* a replica expiring further away than this is not believed */
#define TP_DMQ_EXPIRES_MAX (30 * 86400)

tp_ms_t tp_dmq_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (tp_ms_t)tv.tv_sec * 1000 + (tp_ms_t)tv.tv_usec / 1000;
}

/* a node's name: its DMQ address without the ";status=..." dmq adds to
 * the addresses it passes around (";transport=" and the rest stay: they
 * are the node's identity); \return its length in out, 0 if too long */
static size_t tp_node_canon(const str *uri, char *out, size_t size)
{
	size_t n = 0, i = 0, len = uri->s ? (size_t)uri->len : 0;

	while(i < len) {
		if(uri->s[i] == ';' && len - i > 7
				&& strncasecmp(uri->s + i + 1, "status=", 7) == 0) {
			for(i++; i < len && uri->s[i] != ';'; i++)
				;
			continue;
		}
		if(n + 1 >= size)
			return 0;
		out[n++] = uri->s[i++];
	}
	out[n] = '\0';
	return n;
}

/* a message from this node itself (dmq can list a node twice) */
static int tp_dmq_from_self(dmq_node_t *node, const char *name, size_t len)
{
	if(node == NULL)
		return 0;
	return node->local
		   || (len == (size_t)tp_self.len && memcmp(name, tp_self.s, len) == 0);
}

/* a record from another node: its binding (made there, so no connection
 * of this node) or the end of its registration. Runs in a DMQ worker. */
static int tp_dmq_apply(const tp_repl_rec_t *r, void *arg)
{
	tp_repl_kind_t kind = *(const tp_repl_kind_t *)arg; /* read first */
	tp_binding_t b = r->b;
	time_t now = time(NULL);
	const char *why;
	int node;

	/* expiries this node cannot hold or would not believe */
	if(b.expires <= 0 || b.expires > now + TP_DMQ_EXPIRES_MAX)
		return 0;
	if(r->op == 'D') {
		tp_tomb_put(tp_tombs, &b.contact, &b.source, b.expires, r->at_ms,
				tp_dmq_now_ms());
		/* not a registration made since, here or through another node */
		tp_bind_del_if(
				tp_bindings, &b.contact, &b.source, b.expires, 0, NULL);
		update_stat(tp_stat_dmq_received, 1);
		return 0;
	}
	if(b.expires <= now)
		return 0;
	if((node = tp_node_id(tp_nodes, r->origin, r->origin_len)) < 0) {
		LM_WARN("tcp_persona: a binding from DMQ node '%.*s' not kept (more"
				" than %d nodes, or a name longer than %d)\n",
				(int)(r->origin_len > 64 ? 64 : r->origin_len), r->origin,
				TP_NODES_MAX, TP_NODE_NAME_MAX);
		return 0;
	}
	/* this node's own, back from the bus: its copy here has the
	 * connection; after a restart a state answer is all there is */
	if(node == 0 && kind != TP_REPL_STATE)
		return 0;
	/* removed since it was made (DMQ keeps no order) */
	if(tp_tomb_buries(tp_tombs, &b.contact, &b.source, b.expires, r->at_ms,
			   tp_dmq_now_ms())) {
		update_stat(tp_stat_dmq_conflicts, 1);
		return 0;
	}
	b.node = (uint8_t)node;
	b.reg_conn_id = 0;
	/* max_bindings and the shm reserve hold for replicas too */
	if(!tp_bind_has(tp_bindings, &b.contact) && (why = tp_no_room()) != NULL) {
		tp_refused(why, &b.contact, b.aor);
		return 0;
	}
	/* an update comes from its own node; a state answer may relay
	 * another node's binding, which must not override a newer one */
	if(tp_bind_put_newer(tp_bindings, &b, r->ua,
			   r->ua_len > TP_DMQ_UA_MAX ? TP_DMQ_UA_MAX : r->ua_len,
			   kind == TP_REPL_UPDATE)
			== 0)
		update_stat(tp_stat_dmq_conflicts, 1);
	update_stat(tp_stat_dmq_received, 1);
	return 0;
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
	static str ok = str_init("OK"), bad = str_init("Not tcp_persona text"),
			   who = str_init("Unknown DMQ node");
	tp_repl_kind_t kind = TP_REPL_UPDATE;
	char *body = get_body(msg);
	char name[TP_NODE_NAME_MAX + 1];
	size_t off = 0, nlen = node ? tp_node_canon(&node->orig_uri, name,
										  sizeof(name))
								: 0;
	long len;

	resp->resp_code = 200;
	resp->reason = ok;
	if(tp_dmq_from_self(node, name, nlen))
		return 0;
	/* every node heard from is watched (tp_dmq_send.c) */
	if(nlen)
		tp_node_id(tp_nodes, name, nlen);
	if(body == NULL || msg->content_length == NULL
			|| (len = get_content_length(msg)) <= 0
			|| body + len > msg->buf + msg->len
			|| tp_repl_read(body, (size_t)len, &kind, tp_dmq_apply, &kind, &off)
					   < 0) {
		LM_WARN("tcp_persona: a DMQ message not read (at byte %zu)\n", off);
		resp->resp_code = 400;
		resp->reason = bad;
		return 0;
	}
	if(kind == TP_REPL_SYNC) {
		/* answered by the sender process, to that node only: a node dmq
		 * does not know yet will ask another, or get the push when it is
		 * known (tp_dmq_send.c) */
		if(nlen == 0) {
			resp->resp_code = 404;
			resp->reason = who;
			return 0;
		}
		tp_dmq_want_sync(name, nlen);
	} else if(kind == TP_REPL_RELOAD || kind == TP_REPL_RECLASSIFY) {
		tp_dmq_reload_here(resp, kind == TP_REPL_RECLASSIFY);
	}
	return 0;
}

static int tp_dmq_ignore(sip_msg_t *rpl, int code, dmq_node_t *node, void *p)
{
	return 0;
}
static dmq_resp_cback_t tp_dmq_noanswer = {tp_dmq_ignore, 0};

/* this node joined: the others send what they hold */
static int tp_dmq_joined(void)
{
	char text[64];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	str body;

	tp_repl_begin(&out, TP_REPL_SYNC);
	body.s = text;
	body.len = (int)out.len;
	tp_dmqb.bcast_message(tp_peer, &body, NULL, &tp_dmq_noanswer, 1, &tp_dmq_ct);
	return 0;
}

/* a node's answer to a reload: kept for the reload's reply and
 * tcp_persona.nodes */
static int tp_dmq_reload_answer(
		sip_msg_t *rpl, int code, dmq_node_t *node, void *param)
{
	const char *text = code == 408 ? "no answer" : "";
	size_t len = strlen(text), nlen;
	char name[TP_NODE_NAME_MAX + 1];

	/* tm's stand-in for a reply that never came is (sip_msg_t *)-1 */
	if(rpl && rpl != (sip_msg_t *)-1 && rpl->first_line.type == SIP_REPLY) {
		text = rpl->first_line.u.reply.reason.s;
		len = (size_t)rpl->first_line.u.reply.reason.len;
	}
	if(node == NULL
			|| (nlen = tp_node_canon(&node->orig_uri, name, sizeof(name))) == 0)
		return 0;
	tp_node_reloaded(tp_nodes, name, nlen, code, text, len, time(NULL),
			(unsigned int)(uintptr_t)param);
	return 0;
}

struct tp_nodes *tp_dmq_nodes(void)
{
	return tp_dmq_enable ? tp_nodes : NULL;
}

unsigned int tp_dmq_reload(int reclassify)
{
	dmq_resp_cback_t cb = {tp_dmq_reload_answer, 0};
	char text[64];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	unsigned int seq;
	str body;

	if(!tp_dmq_enable)
		return 0;
	/* one count for every process that serves RPC (ctl, jsonrpcs,
	 * xhttp); tm copies the callback, param included, into each
	 * transaction */
	seq = tp_nodes_next_seq(tp_nodes);
	cb.param = (void *)(uintptr_t)seq;
	tp_repl_begin(&out, reclassify ? TP_REPL_RECLASSIFY : TP_REPL_RELOAD);
	body.s = text;
	body.len = (int)out.len;
	if(tp_dmqb.bcast_message(tp_peer, &body, NULL, &cb, 1, &tp_dmq_ct) < 0) {
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
	static char self[TP_NODE_NAME_MAX + 1];

	if((tp_self.len = (int)tp_node_canon(sa, self, sizeof(self))) == 0)
		return -1;
	tp_self.s = self;
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
			|| (tp_tombs = tp_tombs_create(TP_TOMBS_LOG2)) == NULL
			|| tp_dmq_send_init() < 0) {
		LM_ERR("enable_dmq: cannot register the DMQ peer\n");
		return -1;
	}
	register_basic_timers(1); /* counts a utimer process too */
	LM_INFO("DMQ peer tcp_persona, this node %.*s\n", tp_self.len, tp_self.s);
	return 0;
}

int tp_dmq_start(void)
{
	if(!tp_dmq_enable)
		return 0;
	/* make_sock: DMQ may ride TCP, through tcp_main */
	if(fork_basic_utimer(PROC_TIMER, "tcp_persona dmq", 1, tp_dmq_tick, NULL,
			   TP_DMQ_SEND_US)
			< 0) {
		LM_ERR("cannot start the tcp_persona DMQ sender\n");
		return -1;
	}
	return 0;
}

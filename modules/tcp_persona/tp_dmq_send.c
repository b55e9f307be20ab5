/*
 * tcp_persona - DMQ: the queue of bindings to send, and the process that
 * sends it, answers joining nodes and pushes the table to returning ones
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

#include "tp_dmq.h"
#include "tp_dmq_int.h"
#include "tp_hooks.h"
#include "tp_repl.h"
#include "tp_stats.h"

/* one KDMQ body: under Kamailio's 16 KiB TCP read buffer, and one UDP
 * datagram */
#define TP_DMQ_MSG_MAX 12000
/* records waiting for the sender: about 1,500 REGISTERs */
#define TP_DMQ_QUEUE (256 * 1024)
#define TP_DMQ_SYNCS 16		/* joining nodes waiting for the table */
#define TP_DMQ_WATCH_TICKS 5 /* node states looked at every 5 ticks (1 s) */

typedef struct tp_outq
{
	gen_lock_t lock;
	size_t len;
	char buf[TP_DMQ_QUEUE];
	int nsync;
	char sync_to[TP_DMQ_SYNCS][TP_NODE_NAME_MAX + 1];
} tp_outq_t;

static tp_outq_t *tp_q;

int tp_dmq_send_init(void)
{
	if((tp_q = shm_mallocxz(sizeof(*tp_q))) == NULL)
		return -1;
	lock_init(&tp_q->lock);
	return 0;
}

static int tp_dmq_ignore(sip_msg_t *rpl, int code, dmq_node_t *node, void *p)
{
	return 0;
}
static dmq_resp_cback_t tp_dmq_noreply = {tp_dmq_ignore, 0};

/* sends text to the node of DMQ address uri (looked up now: dmq may free
 * a node any time), or to every other node when uri is NULL */
static int tp_dmq_send(char *text, size_t len, const str *uri)
{
	str body = {text, (int)len};
	dmq_node_t *node = NULL;
	int r;

	if(uri && (node = tp_dmqb.find_dmq_node_uri((str *)uri)) == NULL)
		return -1;
	r = node ? tp_dmqb.send_message(
					   tp_peer, &body, node, &tp_dmq_noreply, 1, &tp_dmq_ct)
			 : tp_dmqb.bcast_message(
					   tp_peer, &body, NULL, &tp_dmq_noreply, 1, &tp_dmq_ct);
	if(r < 0)
		LM_ERR("tcp_persona: a DMQ message of %zu bytes was not sent\n", len);
	return r;
}

/* a record in the queue: its length, then its text (a record may hold
 * any byte, '\n' too, in its length-prefixed strings) */
typedef uint32_t tp_qlen_t;

static void tp_dmq_queue(const char *rec, size_t len)
{
	tp_qlen_t n = (tp_qlen_t)len;

	lock_get(&tp_q->lock);
	if(tp_q->len + sizeof(n) + len > sizeof(tp_q->buf)) {
		lock_release(&tp_q->lock);
		update_stat(tp_stat_dmq_dropped, 1);
		return;
	}
	memcpy(tp_q->buf + tp_q->len, &n, sizeof(n));
	memcpy(tp_q->buf + tp_q->len + sizeof(n), rec, len);
	tp_q->len += sizeof(n) + len;
	lock_release(&tp_q->lock);
}

void tp_dmq_put(const tp_binding_t *b, const char *ua, size_t ua_len)
{
	char text[2 * TP_DMQ_UA_MAX + 1024];
	tp_repl_buf_t out = {text, 0, sizeof(text)};

	if(!tp_dmq_enable)
		return;
	if(tp_repl_put(&out, b, tp_dmq_now_ms(), ua,
			   ua_len > TP_DMQ_UA_MAX ? TP_DMQ_UA_MAX : ua_len, tp_self.s,
			   (size_t)tp_self.len)
			== 0)
		tp_dmq_queue(text, out.len);
}

void tp_dmq_del(
		const tp_addr_t *contact, const tp_addr_t *source, time_t expires)
{
	char text[256];
	tp_repl_buf_t out = {text, 0, sizeof(text)};
	tp_ms_t now;

	if(!tp_dmq_enable)
		return;
	/* a replica of it that comes late is not taken here either */
	now = tp_dmq_now_ms();
	tp_tomb_put(tp_tombs, contact, source, expires, now, now);
	if(tp_repl_del(&out, contact, source, expires, now) == 0)
		tp_dmq_queue(text, out.len);
}

void tp_dmq_want_sync(const char *uri, size_t len)
{
	int i;

	if(len == 0 || len > TP_NODE_NAME_MAX)
		return;
	lock_get(&tp_q->lock);
	/* the same node asking again (a retransmission) is one request */
	for(i = 0; i < tp_q->nsync; i++)
		if(strlen(tp_q->sync_to[i]) == len
				&& memcmp(tp_q->sync_to[i], uri, len) == 0)
			break;
	if(i == tp_q->nsync && i < TP_DMQ_SYNCS) {
		memcpy(tp_q->sync_to[i], uri, len);
		tp_q->sync_to[i][len] = '\0';
		tp_q->nsync++;
	}
	lock_release(&tp_q->lock);
}

/* the sender's copy of the queue: taken whole, sent outside the lock */
static char tp_batch[TP_DMQ_QUEUE];
static char tp_msg[TP_DMQ_MSG_MAX];

/* the queue, whole records per message */
static void tp_dmq_flush(void)
{
	tp_repl_buf_t out = {tp_msg, 0, sizeof(tp_msg)};
	size_t n, pos = 0, head;
	tp_qlen_t len;
	int recs = 0;

	lock_get(&tp_q->lock);
	n = tp_q->len;
	memcpy(tp_batch, tp_q->buf, n);
	tp_q->len = 0;
	lock_release(&tp_q->lock);
	tp_repl_begin(&out, TP_REPL_UPDATE);
	head = out.len;
	while(pos + sizeof(len) <= n) {
		memcpy(&len, tp_batch + pos, sizeof(len));
		if(len > sizeof(tp_msg) - head || pos + sizeof(len) + len > n) {
			/* not reached: a record is at most a few KiB */
			update_stat(tp_stat_dmq_dropped, 1);
			break;
		}
		if(out.len + len > sizeof(tp_msg)) {
			tp_dmq_send(tp_msg, out.len, NULL);
			update_stat(tp_stat_dmq_sent, recs);
			out.len = head;
			recs = 0;
		}
		memcpy(tp_msg + out.len, tp_batch + pos + sizeof(len), len);
		out.len += len;
		recs++;
		pos += sizeof(len) + len;
	}
	if(recs) {
		tp_dmq_send(tp_msg, out.len, NULL);
		update_stat(tp_stat_dmq_sent, recs);
	}
}

#define TP_DMQ_VIEWS 32
#define TP_DMQ_PUSH_GAP 30 /* seconds between two pushes to one node */

static char tp_dump_msg[TP_DMQ_MSG_MAX];

/* every live binding to the node of DMQ address uri, in batches of kind
 * state (the only records a node takes that it made itself) */
static void tp_dmq_dump(const str *uri)
{
	tp_bind_view_t *v = pkg_malloc(sizeof(*v) * TP_DMQ_VIEWS);
	tp_repl_buf_t out = {tp_dump_msg, 0, sizeof(tp_dump_msg)};
	tp_bind_cursor_t cur = {0};
	char origin[TP_NODE_NAME_MAX + 1];
	time_t now = time(NULL);
	size_t ua_len, empty;
	unsigned int n, k;

	if(v == NULL)
		return;
	tp_repl_begin(&out, TP_REPL_STATE);
	empty = out.len;
	while((n = tp_bind_next(tp_bindings, now, &cur, v, TP_DMQ_VIEWS)) > 0) {
		for(k = 0; k < n; k++) {
			tp_node_name(tp_nodes, v[k].b.node, origin, sizeof(origin));
			/* a view holds the User-Agent's first TP_BIND_UA_SHOW bytes */
			ua_len = v[k].ua_len < TP_BIND_UA_SHOW ? v[k].ua_len
												   : TP_BIND_UA_SHOW;
			if(tp_repl_put(&out, &v[k].b, 0, v[k].ua, ua_len, origin,
					   strlen(origin))
					== 0)
				continue;
			if(out.len == empty) { /* cannot happen: skip, not loop */
				update_stat(tp_stat_dmq_dropped, 1);
				continue;
			}
			if(tp_dmq_send(tp_dump_msg, out.len, uri) < 0)
				goto done; /* the node went away */
			update_stat(tp_stat_dmq_sync_batches, 1);
			tp_dmq_flush(); /* REGISTERs go on meanwhile */
			tp_repl_begin(&out, TP_REPL_STATE);
			k--; /* again, into the empty message */
		}
	}
	if(out.len > empty && tp_dmq_send(tp_dump_msg, out.len, uri) == 0)
		update_stat(tp_stat_dmq_sync_batches, 1);
done:
	pkg_free(v);
}

static void tp_dmq_answer_syncs(void)
{
	char to[TP_DMQ_SYNCS][TP_NODE_NAME_MAX + 1];
	str uri;
	int n, i;

	lock_get(&tp_q->lock);
	n = tp_q->nsync;
	memcpy(to, tp_q->sync_to, sizeof(to[0]) * (size_t)n);
	tp_q->nsync = 0;
	lock_release(&tp_q->lock);
	for(i = 0; i < n; i++) {
		uri.s = to[i];
		uri.len = (int)strlen(to[i]);
		tp_dmq_dump(&uri);
	}
}

/* dmq asks for the table only when a node joins a cluster it was alone
 * in; a node back after a split (or a restart the others did not notice)
 * missed what happened meanwhile: each node it was known to pushes it the
 * whole table when dmq sees it active again */
static void tp_dmq_watch(void)
{
	static unsigned char seen[TP_NODES_MAX], active[TP_NODES_MAX];
	static time_t pushed[TP_NODES_MAX];
	time_t t = time(NULL);
	tp_node_info_t info;
	dmq_node_t *node;
	str uri;
	int i, now;

	for(i = 1; i < TP_NODES_MAX && tp_node_info(tp_nodes, i, &info) == 0;
			i++) {
		uri.s = info.name;
		uri.len = (int)strlen(info.name);
		node = tp_dmqb.find_dmq_node_uri(&uri);
		now = node && node->status == DMQ_NODE_ACTIVE;
		/* one push per node in TP_DMQ_PUSH_GAP: a node that flaps under
		 * the load of pushes is not pushed again at once */
		if(now && seen[i] && !active[i] && t - pushed[i] >= TP_DMQ_PUSH_GAP) {
			LM_INFO("DMQ node %s is back: sending it every binding\n",
					info.name);
			pushed[i] = t;
			tp_dmq_dump(&uri);
		}
		seen[i] = 1;
		active[i] = (unsigned char)now;
	}
}

void tp_dmq_tick(unsigned int ticks, void *param)
{
	static unsigned int n;

	tp_dmq_flush();
	tp_dmq_answer_syncs();
	if(++n % TP_DMQ_WATCH_TICKS == 0)
		tp_dmq_watch();
}

/*
 * tcp_persona - RPC commands: bindings, binding, unbind
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/str.h"

#include "tp_dmq.h"
#include "tp_nodes.h"
#include "tp_conn.h"
#include "tp_hooks.h"
#include "tp_rpc.h"

#define TP_LIST_DEFAULT 100
#define TP_LIST_MAX 1000
#define TP_LIST_BATCH 32
/* connections shown for one UE */
#define TP_CONNS_SHOWN 64

/* a non-negative decimal number, at most 9 digits; \return it or -1 */
static int tp_rpc_uint(const str *s)
{
	int i, v = 0;

	if(s->len < 1 || s->len > 9)
		return -1;
	for(i = 0; i < s->len; i++) {
		if(!isdigit((unsigned char)s->s[i]))
			return -1;
		v = v * 10 + (s->s[i] - '0');
	}
	return v;
}

/* the UE address parameter; \return 0, or -1 after a fault reply */
static int tp_rpc_addr(rpc_t *rpc, void *ctx, tp_addr_t *a)
{
	str s = STR_NULL;

	if(rpc->scan(ctx, ".S", &s) < 1) {
		rpc->fault(ctx, 400,
				"missing parameter: the UE's address, ip:port"
				" or [ipv6]:port");
		return -1;
	}
	if(tp_addr_parse(s.s, (size_t)s.len, a) < 0) {
		rpc->fault(ctx, 400,
				"bad address '%.*s': expected ip:port or"
				" [ipv6]:port",
				s.len > 80 ? 80 : s.len, s.s);
		return -1;
	}
	if(tp_rpc_extra(rpc, ctx, "one parameter expected: the UE's address"))
		return -1;
	return 0;
}

/* the fields every binding reply has */
static void tp_rpc_binding_fields(
		rpc_t *rpc, void *st, const tp_bind_view_t *v, time_t now)
{
	char contact[64], source[64], node[TP_NODE_NAME_MAX + 1];

	tp_addr_str(&v->b.contact, contact, sizeof(contact));
	tp_addr_str(&v->b.source, source, sizeof(source));
	tp_dmq_node_name(v->b.node, node, sizeof(node));
	rpc->struct_add(st, "ssssssddds", "address", contact, "source", source,
			"aor", v->b.aor, "user_agent", v->ua, "rule", v->b.rule, "mode",
			tp_mode_name(v->b.mode), "observe", (int)v->b.observe,
			"reg_conn_id", v->b.reg_conn_id, "expires_in",
			(int)(v->b.expires - now), "node", node);
}

const char *tp_rpc_bindings_doc[] = {
		"Bound UEs, a page at a time. Parameters (optional): offset"
		" (default 0), limit (default 100, at most 1000).",
		0};

void tp_rpc_bindings(rpc_t *rpc, void *ctx)
{
	str p[2] = {STR_NULL, STR_NULL};
	int n, k, offset = 0, limit = TP_LIST_DEFAULT, shown = 0;
	tp_bind_cursor_t cur = {0};
	tp_bind_view_t *v;
	time_t now = time(NULL);
	void *th, *ah, *bh;

	n = rpc->scan(ctx, "*.S.S", &p[0], &p[1]);
	if(n < 0) {
		rpc->fault(ctx, 400,
				"bad parameters: expected [offset [limit]],"
				" whole numbers");
		return;
	}
	if(n >= 1 && (offset = tp_rpc_uint(&p[0])) < 0) {
		rpc->fault(ctx, 400, "bad offset '%.*s': expected a number >= 0",
				p[0].len > 32 ? 32 : p[0].len, p[0].s);
		return;
	}
	if(n >= 2 && ((limit = tp_rpc_uint(&p[1])) < 1 || limit > TP_LIST_MAX)) {
		rpc->fault(ctx, 400, "bad limit '%.*s': expected 1 to %d",
				p[1].len > 32 ? 32 : p[1].len, p[1].s, TP_LIST_MAX);
		return;
	}
	if(tp_rpc_extra(rpc, ctx, "too many parameters: expected [offset [limit]]"))
		return;
	if(tp_bindings == NULL
			|| (v = pkg_malloc(sizeof(*v) * TP_LIST_BATCH)) == NULL) {
		rpc->fault(ctx, 500, "no memory for the reply");
		return;
	}
	if(rpc->add(ctx, "{", &th) < 0
			|| rpc->struct_add(th, "dd", "total",
					   (int)tp_bind_count(tp_bindings), "offset", offset)
					   < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		goto done;
	}
	/* the rest of the page, copied a batch at a time off the table */
	tp_bind_next(tp_bindings, now, &cur, NULL, (unsigned int)offset);
	if(rpc->struct_add(th, "[", "bindings", &ah) < 0)
		goto done;
	while(shown < limit) {
		n = (int)tp_bind_next(tp_bindings, now, &cur, v,
				limit - shown < TP_LIST_BATCH ? limit - shown : TP_LIST_BATCH);
		for(k = 0; k < n; k++) {
			if(rpc->array_add(ah, "{", &bh) < 0)
				goto done;
			tp_rpc_binding_fields(rpc, bh, &v[k], now);
		}
		shown += n;
		if(n < TP_LIST_BATCH)
			break;
	}
	rpc->struct_add(th, "d", "count", shown);
done:
	pkg_free(v);
}

const char *tp_rpc_binding_doc[] = {
		"One UE's binding and the connections the module holds for it."
		" Parameter: the UE's contact or source address, ip:port.",
		0};

void tp_rpc_binding(rpc_t *rpc, void *ctx)
{
	int ids[TP_CONNS_SHOWN], local, remote;
	tp_owner_t *w = NULL;
	tp_bind_view_t *v;
	tp_addr_t a;
	time_t now = time(NULL);
	unsigned int n, k;
	void *th, *ah, *ch;

	if(tp_rpc_addr(rpc, ctx, &a) < 0)
		return;
	v = pkg_malloc(sizeof(*v));
	w = pkg_malloc(sizeof(*w) * TP_CONNS_SHOWN);
	if(tp_bindings == NULL || v == NULL || w == NULL) {
		rpc->fault(ctx, 500, "no memory for the reply");
		goto done;
	}
	if(tp_bind_find(tp_bindings, &a, now, v) < 0) {
		rpc->fault(ctx, 404, "no binding for that address");
		goto done;
	}
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		goto done;
	}
	tp_rpc_binding_fields(rpc, th, v, now);
	n = tp_owned_of(tp_owned_conns, &v->b.contact, ids, w, TP_CONNS_SHOWN);
	if(rpc->struct_add(th, "[", "connections", &ah) < 0)
		goto done;
	for(k = 0; k < n; k++) {
		if(tp_conn_ports(ids[k], &local, &remote) < 0)
			continue; /* went away meanwhile */
		if(rpc->array_add(ah, "{", &ch) < 0)
			break;
		rpc->struct_add(ch, "dddss", "id", ids[k], "local_port", local,
				"remote_port", remote, "owner", tp_mode_name(w[k].mode),
				"call_id", w[k].callid);
	}
done:
	if(v)
		pkg_free(v);
	if(w)
		pkg_free(w);
}

const char *tp_rpc_unbind_doc[] = {
		"Drops a UE's binding: Kamailio handles it as stock (like mode none)"
		" until it registers again. Parameter: the UE's contact or source"
		" address, ip:port.",
		0};

void tp_rpc_unbind(rpc_t *rpc, void *ctx)
{
	tp_bind_view_t *v;
	char where[64];
	tp_addr_t a;
	void *th;

	if(tp_rpc_addr(rpc, ctx, &a) < 0)
		return;
	if(tp_bindings == NULL || (v = pkg_malloc(sizeof(*v))) == NULL) {
		rpc->fault(ctx, 500, "no memory for the reply");
		return;
	}
	if(tp_bind_find(tp_bindings, &a, time(NULL), v) < 0
			|| tp_bind_del(tp_bindings, &v->b.contact) < 0) {
		rpc->fault(ctx, 404, "no binding for that address");
		goto done;
	}
	tp_dmq_del(&v->b.contact, &v->b.source, v->b.expires);
	tp_addr_str(&v->b.contact, where, sizeof(where));
	LM_NOTICE("UE %s (AoR %s) unbound by RPC\n", where, v->b.aor);
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		goto done;
	}
	rpc->struct_add(th, "sd", "address", where, "removed", 1);
done:
	pkg_free(v);
}

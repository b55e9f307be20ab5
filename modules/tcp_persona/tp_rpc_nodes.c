/*
 * tcp_persona - RPC tcp_persona.nodes: the P-CSCFs sharing bindings
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <time.h>

#include "core/str.h"
#include "core/rpc.h"

#include "tp_dmq.h"
#include "tp_nodes.h"
#include "tp_rpc.h"

const char *tp_rpc_nodes_doc[] = {
		"The DMQ nodes bindings came from (this one first), and what each"
		" answered to the last reload asked from here.",
		0};

void tp_rpc_nodes(rpc_t *rpc, void *ctx)
{
	tp_nodes_t *n = tp_dmq_nodes();
	tp_node_info_t info;
	void *th, *ah, *nh;
	time_t now = time(NULL);
	int i;

	if(tp_rpc_extra(rpc, ctx, "no parameter expected"))
		return;
	if(n == NULL) {
		rpc->fault(ctx, 400, "enable_dmq is off: this node shares nothing");
		return;
	}
	if(rpc->add(ctx, "{", &th) < 0 || rpc->struct_add(th, "[", "nodes", &ah) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	for(i = 0; tp_node_info(n, i, &info) == 0; i++) {
		if(rpc->array_add(ah, "{", &nh) < 0)
			return;
		rpc->struct_add(nh, "sd", "node", info.name, "self", i == 0);
		if(info.reload_at)
			rpc->struct_add(nh, "dsd", "reload_code", info.reload_code,
					"reload_answer", info.reload_answer, "reload_seconds_ago",
					(int)(now - info.reload_at));
	}
}

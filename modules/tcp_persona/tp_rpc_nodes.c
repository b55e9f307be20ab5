/*
 * tcp_persona - RPC tcp_persona.nodes: the P-CSCFs sharing bindings
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <time.h>
#include <unistd.h>

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

#define TP_ANSWER_WAIT_MS 1500 /* the most a reload waits for the others */
#define TP_ANSWER_MIN_MS 300   /* ... and the least: a node not heard of
								* before answers too */

/* the other nodes known now, and how many answered request seq */
static void tp_answered(tp_nodes_t *n, unsigned int seq, int *known, int *done)
{
	tp_node_info_t info;
	int i;

	*known = *done = 0;
	for(i = 1; tp_node_info(n, i, &info) == 0; i++) {
		(*known)++;
		*done += info.reload_seq == seq;
	}
}

void tp_rpc_reload_answers(rpc_t *rpc, void *th, unsigned int seq)
{
	tp_nodes_t *n = tp_dmq_nodes();
	tp_node_info_t info;
	void *ah, *nh;
	int ms, known, done, i;

	if(n == NULL)
		return;
	for(ms = 0; ms < TP_ANSWER_WAIT_MS; ms += 20) {
		tp_answered(n, seq, &known, &done);
		if(ms >= TP_ANSWER_MIN_MS && known > 0 && done == known)
			break;
		usleep(20000);
	}
	if(rpc->struct_add(th, "[", "nodes", &ah) < 0)
		return;
	for(i = 1; tp_node_info(n, i, &info) == 0; i++) {
		if(rpc->array_add(ah, "{", &nh) < 0)
			return;
		if(info.reload_seq == seq)
			rpc->struct_add(nh, "sds", "node", info.name, "reload_code",
					info.reload_code, "reload_answer", info.reload_answer);
		else
			rpc->struct_add(nh, "sds", "node", info.name, "reload_code", 0,
					"reload_answer", "no answer yet (see tcp_persona.nodes)");
	}
}

/*
 * tcp_persona - RPC commands
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"
#include "core/str.h"

#include "tp_load.h"
#include "tp_rpc.h"

static const char *tp_status_name(tp_match_status_t st)
{
	switch(st) {
		case TP_MATCH_HIT:
			return "match";
		case TP_MATCH_MISS:
			return "no match";
		default:
			return "limit";
	}
}

static const char *tp_rpc_match_doc[] = {
		"Dry run: the rule and mode a User-Agent string gets."
		" Parameter: the User-Agent.",
		0};

static void tp_rpc_match(rpc_t *rpc, void *ctx)
{
	tp_ruleset_t *rs = tp_active_rules();
	tp_class_t c;
	void *th;
	str ua = STR_NULL, extra = STR_NULL;

	/* ".": a User-Agent that looks like a number is still a string */
	if(rpc->scan(ctx, ".S", &ua) < 1) {
		rpc->fault(ctx, 400, "missing parameter: the User-Agent to match");
		return;
	}
	if(rpc->scan(ctx, "*.S", &extra) > 0) {
		rpc->fault(ctx, 400, "one parameter expected: the User-Agent, quoted");
		return;
	}
	if(rs == NULL) {
		rpc->fault(ctx, 500, "no rule set");
		return;
	}
	/* no cache: a dry run must not change what workers see */
	tp_ruleset_match(rs, ua.s, (size_t)ua.len, &c);
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	rpc->struct_add(th, "ssss", "rule",
			c.rule >= 0 ? rs->rules[c.rule].name : "", "mode",
			tp_mode_name(c.mode), "result", tp_status_name(c.status),
			"limit_rule",
			c.limit_rule >= 0 ? rs->rules[c.limit_rule].name : "");
}

static const char *tp_rpc_rules_doc[] = {
		"The persona rules in matching order: index, name, mode, regex and"
		" where each was defined.",
		0};

static void tp_rpc_rules(rpc_t *rpc, void *ctx)
{
	tp_ruleset_t *rs = tp_active_rules();
	str extra = STR_NULL;
	void *th;
	int i;

	if(rpc->scan(ctx, "*.S", &extra) > 0) {
		rpc->fault(ctx, 400, "no parameters expected");
		return;
	}
	if(rs == NULL) {
		rpc->fault(ctx, 500, "no rule set");
		return;
	}
	for(i = 0; i < rs->count; i++) {
		if(rpc->add(ctx, "{", &th) < 0) {
			rpc->fault(ctx, 500, "internal error creating the reply");
			return;
		}
		rpc->struct_add(th, "dssss", "index", i + 1, "name", rs->rules[i].name,
				"mode", tp_mode_name(rs->rules[i].mode), "regex",
				rs->rules[i].regex, "origin", rs->rules[i].origin);
	}
}

rpc_export_t tp_rpc_cmds[] = {
		{"tcp_persona.match", tp_rpc_match, tp_rpc_match_doc, 0},
		{"tcp_persona.rules", tp_rpc_rules, tp_rpc_rules_doc, RET_ARRAY},
		{0, 0, 0, 0}};

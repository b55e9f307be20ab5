/*
 * tcp_persona - RPC commands: rules, match, reload, stats
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <limits.h>
#include <string.h>

#include "core/dprint.h"
#include "core/str.h"

#include "tp_dmq.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_reload.h"
#include "tp_rpc.h"
#include "tp_stats.h"

int tp_rpc_opt_str(rpc_t *rpc, void *ctx, str *s)
{
	double d;
	int n = rpc->scan(ctx, "*.S", s);

	if(n != 0)
		return n > 0 ? 1 : -1;
	/* some transports say "nothing" for a float here, not an error */
	return rpc->scan(ctx, "*f", &d) > 0 ? -1 : 0;
}

int tp_rpc_extra(rpc_t *rpc, void *ctx, const char *expected)
{
	str extra = STR_NULL;

	if(tp_rpc_opt_str(rpc, ctx, &extra) == 0)
		return 0;
	rpc->fault(ctx, 400, "%s", expected);
	return 1;
}

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

static int tp_clamp(uint64_t v)
{
	return v > INT_MAX ? INT_MAX : (int)v;
}

static const char *tp_rpc_match_doc[] = {
		"Dry run: the rule and mode a User-Agent string gets."
		" Parameter: the User-Agent.",
		0};

static void tp_rpc_match(rpc_t *rpc, void *ctx)
{
	tp_ruleset_t *rs;
	tp_class_t c;
	void *th;
	str ua = STR_NULL;

	/* ".": a User-Agent that looks like a number is still a string */
	if(rpc->scan(ctx, ".S", &ua) < 1) {
		rpc->fault(ctx, 400, "missing parameter: the User-Agent to match");
		return;
	}
	if(tp_rpc_extra(rpc, ctx,
			   "one parameter expected: the User-Agent,"
			   " quoted"))
		return;
	if((rs = tp_active_rules()) == NULL) {
		rpc->fault(ctx, 500, "no rule set");
		return;
	}
	/* no cache, no hit counted: a dry run changes nothing */
	tp_ruleset_match(rs, ua.s, (size_t)ua.len, &c);
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	rpc->struct_add(th, "ssdss", "rule",
			c.rule >= 0 ? rs->rules[c.rule].name : "", "mode",
			tp_mode_name(c.mode), "observe", c.observe, "result",
			tp_status_name(c.status), "limit_rule",
			c.limit_rule >= 0 ? rs->rules[c.limit_rule].name : "");
}

static const char *tp_rpc_rules_doc[] = {
		"The persona rules in matching order: index, name, mode, observe, regex,"
		" where each was defined and its hits since Kamailio started.",
		0};

static void tp_rpc_rules(rpc_t *rpc, void *ctx)
{
	tp_ruleset_t *rs;
	void *th;
	int i;

	if(tp_rpc_extra(rpc, ctx, "no parameters expected"))
		return;
	if((rs = tp_active_rules()) == NULL) {
		rpc->fault(ctx, 500, "no rule set");
		return;
	}
	for(i = 0; i < rs->count; i++) {
		if(rpc->add(ctx, "{", &th) < 0) {
			rpc->fault(ctx, 500, "internal error creating the reply");
			return;
		}
		rpc->struct_add(th, "dssdssd", "index", i + 1, "name",
				rs->rules[i].name, "mode", tp_mode_name(rs->rules[i].mode),
				"observe", rs->rules[i].observe, "regex", rs->rules[i].regex,
				"origin", rs->rules[i].origin, "hits",
				tp_clamp(tp_reload_hits(rs, i)));
	}
}

static const char *tp_rpc_reload_doc[] = {
		"Re-reads rules_file and switches every process to the new rules;"
		" on an error the old rules stay. Parameter (optional): reclassify,"
		" to re-match bound UEs by their stored User-Agent.",
		0};

static void tp_rpc_reload(rpc_t *rpc, void *ctx)
{
	char err[TP_LOAD_ERR_MAX + 64];
	tp_reload_result_t res;
	str arg = STR_NULL;
	int reclassify = 0;
	unsigned int seq;
	void *th;
	int n;

	if((n = tp_rpc_opt_str(rpc, ctx, &arg)) < 0) {
		rpc->fault(ctx, 400, "bad parameter: expected none or 'reclassify'");
		return;
	}
	if(n > 0) {
		if(arg.len != 10 || strncmp(arg.s, "reclassify", 10) != 0) {
			rpc->fault(ctx, 400,
					"unknown parameter '%.*s': expected none"
					" or 'reclassify'",
					arg.len > 64 ? 64 : arg.len, arg.s);
			return;
		}
		reclassify = 1;
		if(tp_rpc_extra(rpc, ctx, "expected none or 'reclassify'"))
			return;
	}
	if(tp_reload_run(reclassify, &res, err, sizeof(err)) < 0) {
		LM_ERR("tcp_persona.reload: %s (the old rule set stays active)\n", err);
		rpc->fault(ctx, 500, "%s (the old rule set stays active)", err);
		return;
	}
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	seq = tp_dmq_reload(reclassify);
	rpc->struct_add(th, "sddddd", "file", tp_active_rules_file(), "rules",
			res.rules, "generation", (int)res.gen, "reclassified",
			(int)res.reclassified, "changed", (int)res.changed, "dmq_broadcast",
			seq > 0);
	if(seq > 0)
		tp_rpc_reload_answers(rpc, th, seq);
}

static const char *tp_rpc_stats_doc[] = {
		"The module's counters, the number of bound UEs, rules and the"
		" rule set's generation.",
		0};

static int tp_stat_val(stat_var *v)
{
	return v ? (int)get_stat_val(v) : 0;
}

static void tp_rpc_stats(rpc_t *rpc, void *ctx)
{
	tp_ruleset_t *rs;
	void *th;

	if(tp_rpc_extra(rpc, ctx, "no parameters expected"))
		return;
	rs = tp_active_rules();
	if(rpc->add(ctx, "{", &th) < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	rpc->struct_add(th, "ddddddddd", "bindings",
			tp_bindings ? (int)tp_bind_count(tp_bindings) : 0, "capacity",
			tp_bindings ? (int)tp_bind_capacity(tp_bindings) : 0, "rules",
			rs ? rs->count : 0, "generation", (int)tp_reload_generation(),
			"register_none", tp_stat_val(tp_stat_register[TP_MODE_NONE]),
			"register_reuse", tp_stat_val(tp_stat_register[TP_MODE_REUSE]),
			"register_dialog", tp_stat_val(tp_stat_register[TP_MODE_DIALOG]),
			"register_transaction",
			tp_stat_val(tp_stat_register[TP_MODE_TRANSACTION]), "unmatched",
			tp_stat_val(tp_stat_unmatched));
	rpc->struct_add(th, "dddddd", "conn_opened_dialog",
			tp_stat_val(tp_stat_conn_opened[TP_MODE_DIALOG]),
			"conn_opened_transaction",
			tp_stat_val(tp_stat_conn_opened[TP_MODE_TRANSACTION]),
			"conn_closed_dialog",
			tp_stat_val(tp_stat_conn_closed[TP_MODE_DIALOG]),
			"conn_closed_transaction",
			tp_stat_val(tp_stat_conn_closed[TP_MODE_TRANSACTION]),
			"reuse_refused", tp_stat_val(tp_stat_reuse_refused), "owned_lost",
			tp_stat_val(tp_stat_owned_lost));
	rpc->struct_add(th, "dd", "switch_failed", (int)tp_reload_switch_failed(),
			"bindings_refused", tp_stat_val(tp_stat_bindings_refused));
}

/* clang-format off */
rpc_export_t tp_rpc_cmds[] = {
	{"tcp_persona.rules", tp_rpc_rules, tp_rpc_rules_doc, RET_ARRAY},
	{"tcp_persona.match", tp_rpc_match, tp_rpc_match_doc, 0},
	{"tcp_persona.reload", tp_rpc_reload, tp_rpc_reload_doc, 0},
	{"tcp_persona.bindings", tp_rpc_bindings, tp_rpc_bindings_doc, 0},
	{"tcp_persona.binding", tp_rpc_binding, tp_rpc_binding_doc, 0},
	{"tcp_persona.unbind", tp_rpc_unbind, tp_rpc_unbind_doc, 0},
	{"tcp_persona.nodes", tp_rpc_nodes, tp_rpc_nodes_doc, 0},
	{"tcp_persona.profile", tp_rpc_profile, tp_rpc_profile_doc, 0},
	{"tcp_persona.profile_rules", tp_rpc_profile_rules,
		tp_rpc_profile_rules_doc, RET_ARRAY},
	{"tcp_persona.stats", tp_rpc_stats, tp_rpc_stats_doc, 0},
	{0, 0, 0, 0}
};
/* clang-format on */

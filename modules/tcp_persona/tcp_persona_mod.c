/*
 * tcp_persona - TCP connection personas for IMS/VoLTE handsets
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 *
 * tcp_persona is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 *
 * tcp_persona is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General
 * Public License for more details.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Module exports, parameters, init and the persona_match() function for
 * both the native cfg (w_) and KEMI (ki_).
 */

#include <string.h>

#include "core/sr_module.h"
#include "core/pt.h"
#include "core/dprint.h"
#include "core/mod_fix.h"
#include "core/kemi.h"
#include "core/rpc_lookup.h"

#include "tp_dmq.h"
#include "tp_bind.h"
#include "tp_cache.h"
#include "tp_classify.h"
#include "tp_conn.h"
#include "tp_discover.h"
#include "tp_dlg.h"
#include "tp_enforce.h"
#include "tp_fresh.h"
#include "tp_hooks.h"
#include "tp_ims.h"
#include "tp_load.h"
#include "tp_event.h"
#include "tp_pv.h"
#include "tp_register.h"
#include "tp_reload.h"
#include "tp_rpc.h"
#include "tp_stats.h"
#include "tp_timer.h"
#include "tp_unavail.h"

MODULE_VERSION

static int tp_ua_max_len = TP_UA_MAX_LEN_DEFAULT;
static int tp_match_limit = TP_MATCH_LIMIT_DEFAULT;
static int tp_depth_limit = TP_DEPTH_LIMIT_DEFAULT;
static int tp_cache_size = TP_CACHE_SIZE_DEFAULT;
/* log2 of the binding table's slots; 0: the table holds max_bindings */
static int tp_hash_size = 0;

static int mod_init(void);
static int child_init(int rank);
static void mod_destroy(void);
static int w_persona_match(sip_msg_t *msg, char *ua, char *p2);
static int w_persona_bind(sip_msg_t *msg, char *p1, char *p2);
static int w_persona_enforce(sip_msg_t *msg, char *p1, char *p2);

/* clang-format off */
static cmd_export_t cmds[] = {
	{"persona_match", (cmd_function)w_persona_match, 1, fixup_spve_null,
		fixup_free_spve_null, ANY_ROUTE},
	{"persona_bind", (cmd_function)w_persona_bind, 0, 0, 0, REQUEST_ROUTE},
	{"persona_enforce", (cmd_function)w_persona_enforce, 0, 0, 0,
		REQUEST_ROUTE | FAILURE_ROUTE},
	{0, 0, 0, 0, 0, 0}
};

static param_export_t params[] = {
	{"rule",         PARAM_STRING | PARAM_USE_FUNC, (void *)tp_param_rule},
	{"rules_file",   PARAM_STRING | PARAM_USE_FUNC, (void *)tp_param_rules_file},
	{"default_mode", PARAM_STRING | PARAM_USE_FUNC,
		(void *)tp_param_default_mode},
	{"ua_max_len",   PARAM_INT, &tp_ua_max_len},
	{"match_limit",  PARAM_INT, &tp_match_limit},
	{"depth_limit",  PARAM_INT, &tp_depth_limit},
	{"cache_size",   PARAM_INT, &tp_cache_size},
	{"hash_size",    PARAM_INT, &tp_hash_size},
	{"max_bindings", PARAM_INT, &tp_max_bindings},
	{"event_callback", PARAM_STR, &tp_event_callback},
	{"unmatched_interval", PARAM_INT, &tp_unmatched_interval},
	{"enable_dmq",   PARAM_INT, &tp_dmq_enable},
	{"discover_families", PARAM_INT, &tp_discover_families},
	{"discover_mt_sample", PARAM_INT, &tp_discover_mt_sample},
	{"unavailable_reply_code", PARAM_INT, &tp_unavail_code},
	{"unavailable_reply_reason", PARAM_STR, &tp_unavail_reason},
	{0, 0, 0}
};

static pv_export_t mod_pvs[] = {
	{{"persona", sizeof("persona") - 1}, PVT_OTHER, tp_pv_get, 0,
		tp_pv_parse_name, 0, 0, 0},
	{{0, 0}, 0, 0, 0, 0, 0, 0, 0}
};

struct module_exports exports = {
	"tcp_persona",   /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	cmds,            /* cfg functions */
	params,          /* cfg parameters */
	tp_rpc_cmds,     /* RPC commands */
	mod_pvs,         /* pseudo-variables */
	0,               /* response handling function */
	mod_init,        /* module init */
	child_init,      /* per-child init */
	mod_destroy      /* module destroy: the rest of shm goes with Kamailio */
};
/* clang-format on */

/* an int parameter outside [lo, hi] stops startup, naming both */
static int tp_check_range(const char *name, int v, int lo, int hi)
{
	if(v < lo || v > hi) {
		LM_ERR("invalid \"%s\" value: %d, must be %d to %d\n", name, v, lo, hi);
		return -1;
	}
	return 0;
}

/* hash_size 0 sizes the table by max_bindings; set, it is the table's
 * size, and a max_bindings above what it holds cannot be reached */
static int tp_check_hash_size(void)
{
	unsigned int cap;

	if(tp_hash_size == 0)
		return 0;
	if(tp_hash_size < 4 || tp_hash_size > 24) {
		LM_ERR("invalid \"hash_size\" value: %d, must be 0 (the table sized"
			   " by max_bindings) or 4 to 24\n",
				tp_hash_size);
		return -1;
	}
	cap = tp_bind_capacity_for(tp_hash_size, tp_max_bindings, 0);
	if(tp_max_bindings == 0 || (unsigned int)tp_max_bindings > cap)
		LM_WARN("hash_size %d: the binding table holds %u UEs, fewer than"
				" max_bindings %d allows\n",
				tp_hash_size, cap, tp_max_bindings);
	return 0;
}

static int mod_init(void)
{
	tp_ruleset_t *rs = tp_active_rules();

	if(rs == NULL)
		return -1;
	if(tp_check_range("ua_max_len", tp_ua_max_len, 16, TP_UA_MAX_LEN_MAX) < 0
			|| tp_check_range("match_limit", tp_match_limit, 100, 100000000) < 0
			|| tp_check_range("depth_limit", tp_depth_limit, 100, 10000000) < 0
			|| tp_check_range("cache_size", tp_cache_size, 0, 1048576) < 0
			|| tp_check_hash_size() < 0
			|| tp_check_range("max_bindings", tp_max_bindings, 0, 100000000) < 0
			|| tp_check_range(
					   "unmatched_interval", tp_unmatched_interval, 0, 86400)
					   < 0)
		return -1;
	if(tp_ruleset_set_limits(rs, (size_t)tp_ua_max_len,
			   (uint32_t)tp_match_limit, (uint32_t)tp_depth_limit)
			< 0)
		return -1;
	if(tp_classify_init(tp_cache_size, tp_ua_max_len) < 0)
		return -1;
	if(tp_reload_init() < 0 || tp_stats_init() < 0
			|| tp_hooks_init(tp_bind_capacity_for(tp_hash_size, tp_max_bindings,
					   TP_MAX_BINDINGS_DEFAULT)) < 0
			|| tp_register_init() < 0
			|| tp_dlg_init() < 0 || tp_ims_init() < 0 || tp_event_init() < 0
			|| tp_timer_init() < 0 || tp_dmq_init() < 0
			|| tp_discover_init() < 0 || tp_unavail_init() < 0)
		return -1;
	LM_INFO("%d persona rules (%d from modparam, %d from rules_file %s),"
			" default mode '%s', PCRE2 JIT %s, cache %u User-Agents\n",
			rs->count, rs->ncfg, rs->count - rs->ncfg,
			tp_active_rules_file() ? tp_active_rules_file() : "-",
			tp_mode_name(rs->default_mode),
			tp_match_jit_available() ? "on" : "off",
			tp_classify_cache_capacity());
	return 0;
}

static int child_init(int rank)
{
	if(rank == PROC_MAIN)
		return tp_timer_start() < 0 || tp_dmq_start() < 0 ? -1 : 0;
	/* a process's tag tells its new connections apart (tp_conn.h) */
	if(process_no >= TP_CONN_TAGS) {
		LM_ERR("process %d: tcp_persona tells apart the new connections of"
			   " %d processes at most; lower children or tcp_children\n",
				process_no, TP_CONN_TAGS);
		return -1;
	}
	return 0;
}

static void mod_destroy(void)
{
	tp_fresh_destroy();
}

/*! classifies ua; 1 when a rule matched, -1 when none did */
static int ki_persona_match(sip_msg_t *msg, str *ua)
{
	tp_class_t c;
	const char *name;

	if(tp_classify_ua(ua, &c, &name) < 0)
		return -1;
	/* the mode applied: none for an observe-only rule */
	tp_pv_set(msg, name, c.observe ? TP_MODE_NONE : c.mode);
	return c.status == TP_MATCH_HIT ? 1 : -1;
}

/* A lone pseudo-variable is read directly: "$ua" of a request without a
 * User-Agent would otherwise print as the text "<null>". Null is empty. */
static int tp_param_str(sip_msg_t *msg, gparam_t *gp, str *out)
{
	pv_elem_t *e = gp->v.pve;
	pv_value_t v;

	if(gp->type != GPARAM_TYPE_PVE || e == NULL || e->spec == NULL
			|| e->text.len != 0 || e->next != NULL)
		return fixup_get_svalue(msg, gp, out);
	memset(&v, 0, sizeof(v));
	if(pv_get_spec_value(msg, e->spec, &v) != 0)
		return -1;
	if(v.flags & PV_VAL_NULL) {
		out->s = "";
		out->len = 0;
		return 0;
	}
	if(!(v.flags & PV_VAL_STR))
		return fixup_get_svalue(msg, gp, out);
	*out = v.rs;
	return 0;
}

static int w_persona_match(sip_msg_t *msg, char *ua, char *p2)
{
	str s;

	if(tp_param_str(msg, (gparam_t *)ua, &s) < 0) {
		LM_ERR("cannot evaluate the User-Agent parameter\n");
		return -1;
	}
	return ki_persona_match(msg, &s);
}

static int ki_persona_bind(sip_msg_t *msg)
{
	return tp_persona_bind(msg);
}

static int ki_persona_enforce(sip_msg_t *msg)
{
	int r = tp_persona_enforce(msg);

	/* the refusal is rare: no call on the path every request takes */
	return r == TP_ENF_REUSE_GONE ? tp_unavail_answer(msg, r) : r;
}

static int w_persona_bind(sip_msg_t *msg, char *p1, char *p2)
{
	return ki_persona_bind(msg);
}

static int w_persona_enforce(sip_msg_t *msg, char *p1, char *p2)
{
	return ki_persona_enforce(msg);
}

/* clang-format off */
static sr_kemi_t tp_kemi_exports[] = {
	{ str_init("tcp_persona"), str_init("persona_match"),
		SR_KEMIP_INT, ki_persona_match,
		{ SR_KEMIP_STR, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("tcp_persona"), str_init("persona_bind"),
		SR_KEMIP_INT, ki_persona_bind,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("tcp_persona"), str_init("persona_enforce"),
		SR_KEMIP_INT, ki_persona_enforce,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ {0, 0}, {0, 0}, 0, NULL, { 0, 0, 0, 0, 0, 0 } }
};
/* clang-format on */

int mod_register(char *path, int *dlflags, void *p1, void *p2)
{
	sr_kemi_modules_add(tp_kemi_exports);
	return 0;
}

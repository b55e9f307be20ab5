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

#include <ctype.h>
#include <string.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/globals.h"
#include "core/mod_fix.h"
#include "core/kemi.h"
#include "core/rpc_lookup.h"

#include "tp_cache.h"
#include "tp_load.h"
#include "tp_pv.h"
#include "tp_rpc.h"

MODULE_VERSION

static int tp_ua_max_len = TP_UA_MAX_LEN_DEFAULT;
static int tp_match_limit = TP_MATCH_LIMIT_DEFAULT;
static int tp_depth_limit = TP_DEPTH_LIMIT_DEFAULT;
static int tp_cache_size = TP_CACHE_SIZE_DEFAULT;

static tp_cache_t tp_ua_cache; /* per process: each child has its copy */

static int mod_init(void);
static int w_persona_match(sip_msg_t *msg, char *ua, char *p2);

/* clang-format off */
static cmd_export_t cmds[] = {
	{"persona_match", (cmd_function)w_persona_match, 1, fixup_spve_null,
		fixup_free_spve_null, ANY_ROUTE},
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
	0,               /* per-child init */
	0                /* module destroy: nothing in shm yet */
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

/* pkg allocator overhead per cached User-Agent copy, measured on Debian's
 * build (it keeps debug info per fragment) */
#define TP_PKG_FRAG_OVERHEAD 112

/* Distinct hostile User-Agents can fill the whole cache: its worst case
 * must leave most of a worker's pkg memory to tm and the parser. */
static int tp_check_cache_budget(void)
{
	unsigned long per = (unsigned long)tp_ua_max_len + TP_PKG_FRAG_OVERHEAD
						+ sizeof(tp_cache_entry_t);
	unsigned long worst = per * (unsigned long)tp_cache_size;

	if(worst > pkg_mem_size / 4) {
		LM_ERR("cache_size %d x ua_max_len %d needs up to %lu bytes of pkg"
			   " memory per process, more than a quarter of the %lu"
			   " there are: lower cache_size or ua_max_len, or raise -M\n",
				tp_cache_size, tp_ua_max_len, worst, pkg_mem_size);
		return -1;
	}
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
			|| tp_check_range("cache_size", tp_cache_size, 0, 1048576) < 0)
		return -1;
	if(tp_ruleset_set_limits(rs, (size_t)tp_ua_max_len,
			   (uint32_t)tp_match_limit, (uint32_t)tp_depth_limit)
			< 0)
		return -1;
	if(tp_check_cache_budget() < 0)
		return -1;
	if(tp_cache_init(&tp_ua_cache, (uint32_t)tp_cache_size) < 0) {
		LM_ERR("no pkg memory for a cache of %d User-Agents\n", tp_cache_size);
		return -1;
	}
	LM_INFO("%d persona rules (%d from modparam, %d from rules_file %s),"
			" default mode '%s', PCRE2 JIT %s, cache %u User-Agents\n",
			rs->count, rs->ncfg, rs->count - rs->ncfg,
			tp_active_rules_file() ? tp_active_rules_file() : "-",
			tp_mode_name(rs->default_mode),
			tp_match_jit_available() ? "on" : "off",
			tp_cache_capacity(&tp_ua_cache));
	return 0;
}

/* a log-safe copy of the first bytes of a User-Agent */
static const char *tp_printable(const str *ua, char *buf, size_t size)
{
	size_t i, n = (size_t)ua->len < size - 1 ? (size_t)ua->len : size - 1;

	for(i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)ua->s[i]) ? ua->s[i] : '.';
	buf[n] = '\0';
	return buf;
}

/*! classifies ua; 1 when a rule matched, -1 when none did */
static int ki_persona_match(sip_msg_t *msg, str *ua)
{
	tp_ruleset_t *rs = tp_active_rules();
	uint64_t misses = tp_ua_cache.misses;
	PCRE2_UCHAR why[64];
	char shown[65];
	tp_class_t c;

	if(rs == NULL)
		return -1;
	tp_classify(rs, &tp_ua_cache, ua->s, (size_t)ua->len, &c);
	if(c.status == TP_MATCH_LIMIT
			&& (tp_ua_cache.misses != misses || tp_ua_cache.e == NULL)) {
		/* logged when first seen; the cache answers the repeats */
		pcre2_get_error_message(c.pcre2_error, why, sizeof(why));
		LM_WARN("User-Agent [%s] (%d bytes) hit a PCRE2 limit (%s) in rule"
				" '%s': default mode '%s' used\n",
				tp_printable(ua, shown, sizeof(shown)), ua->len, (char *)why,
				rs->rules[c.limit_rule].name, tp_mode_name(c.mode));
	}
	tp_pv_set(msg, c.rule >= 0 ? rs->rules[c.rule].name : "", c.mode);
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

/* clang-format off */
static sr_kemi_t tp_kemi_exports[] = {
	{ str_init("tcp_persona"), str_init("persona_match"),
		SR_KEMIP_INT, ki_persona_match,
		{ SR_KEMIP_STR, SR_KEMIP_NONE, SR_KEMIP_NONE,
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

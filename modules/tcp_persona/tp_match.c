/*
 * tcp_persona - User-Agent matching
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include "tp_sys.h"
#include "tp_match.h"

/* never 0, so a zeroed cache matches no set */
static unsigned int tp_gen_next = 1;

int tp_match_jit_available(void)
{
	uint32_t jit = 0;

	if(pcre2_config(PCRE2_CONFIG_JIT, &jit) < 0)
		return 0;
	return jit ? 1 : 0;
}

int tp_ruleset_init(tp_ruleset_t *rs, size_t ua_max_len, uint32_t match_limit,
		uint32_t depth_limit)
{
	memset(rs, 0, sizeof(*rs));
	rs->gen = tp_gen_next++;
	rs->mctx = pcre2_match_context_create(NULL);
	rs->md = pcre2_match_data_create(1, NULL);
	if(rs->mctx == NULL || rs->md == NULL) {
		TP_ERR("out of memory for the PCRE2 match context\n");
		tp_ruleset_free(rs);
		return -1;
	}
	if(tp_ruleset_set_limits(rs, ua_max_len, match_limit, depth_limit) < 0) {
		tp_ruleset_free(rs);
		return -1;
	}
	return 0;
}

/* measured: a group repeated per byte needs about 32 bytes of JIT stack
 * and 2 KiB of interpreter heap per subject byte; twice that is room */
#define TP_JIT_STACK_PER_BYTE 64
#define TP_HEAP_KIB_PER_BYTE 4
#define TP_JIT_STACK_MIN (32 * 1024)
#define TP_HEAP_KIB_MIN 4096

int tp_ruleset_set_limits(tp_ruleset_t *rs, size_t ua_max_len,
		uint32_t match_limit, uint32_t depth_limit)
{
	size_t jit_max, heap_kib;

	if(ua_max_len > TP_UA_MAX_LEN_MAX)
		ua_max_len = TP_UA_MAX_LEN_MAX;
	/* cached results were taken on another prefix length */
	if(rs->ua_max_len != ua_max_len || rs->jit_stack == NULL) {
		rs->gen = tp_gen_next++;
		jit_max = TP_JIT_STACK_MIN + ua_max_len * TP_JIT_STACK_PER_BYTE;
		pcre2_jit_stack_free(rs->jit_stack);
		rs->jit_stack = NULL;
		if(tp_match_jit_available()) {
			rs->jit_stack =
					pcre2_jit_stack_create(TP_JIT_STACK_MIN, jit_max, NULL);
			if(rs->jit_stack == NULL) {
				TP_ERR("no memory for a %zu byte PCRE2 JIT stack\n", jit_max);
				return -1;
			}
		}
		pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit_stack);
	}
	rs->ua_max_len = ua_max_len;
	rs->match_limit = match_limit;
	rs->depth_limit = depth_limit;
	heap_kib = ua_max_len * TP_HEAP_KIB_PER_BYTE;
	if(heap_kib < TP_HEAP_KIB_MIN)
		heap_kib = TP_HEAP_KIB_MIN;
	pcre2_set_match_limit(rs->mctx, match_limit);
	pcre2_set_depth_limit(rs->mctx, depth_limit);
	pcre2_set_heap_limit(rs->mctx, (uint32_t)heap_kib);
	return 0;
}

void tp_ruleset_free(tp_ruleset_t *rs)
{
	int i;

	for(i = 0; i < rs->count; i++) {
		pcre2_code_free(rs->rules[i].code);
		tp_free(rs->rules[i].regex);
		tp_free(rs->rules[i].origin);
	}
	if(rs->rules)
		tp_free(rs->rules);
	pcre2_match_data_free(rs->md);
	pcre2_match_context_free(rs->mctx);
	pcre2_jit_stack_free(rs->jit_stack);
	memset(rs, 0, sizeof(*rs));
}

int tp_ruleset_find(const tp_ruleset_t *rs, const char *name)
{
	int i;

	for(i = 0; i < rs->count; i++) {
		if(strcmp(rs->rules[i].name, name) == 0)
			return i;
	}
	return -1;
}

static pcre2_code *tp_compile(
		const tp_rule_spec_t *spec, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off = 0;
	pcre2_code *code;
	int ec = 0;

	/* bytes, not UTF-8: a binary or badly encoded User-Agent is no error */
	code = pcre2_compile((PCRE2_SPTR)spec->regex, spec->regex_len,
			PCRE2_NEVER_UTF, &ec, &off, NULL);
	if(code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "column %zu: regex error at offset %zu: %s",
				spec->regex_col + (size_t)off, (size_t)off, (char *)msg);
		return NULL;
	}
	/* without JIT the interpreter does the same work, only slower */
	if(tp_match_jit_available())
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static int tp_grow(tp_ruleset_t *rs)
{
	tp_rule_t *n;
	int cap = rs->cap ? rs->cap * 2 : 16;

	if(rs->count < rs->cap)
		return 0;
	n = tp_malloc(sizeof(*n) * (size_t)cap);
	if(n == NULL)
		return -1;
	if(rs->count)
		memcpy(n, rs->rules, sizeof(*n) * (size_t)rs->count);
	if(rs->rules)
		tp_free(rs->rules);
	rs->rules = n;
	rs->cap = cap;
	return 0;
}

int tp_ruleset_add(tp_ruleset_t *rs, const tp_rule_spec_t *spec, int from_file,
		const char *origin, char *err, size_t errlen)
{
	tp_rule_t r;
	int at, dup;

	if((dup = tp_ruleset_find(rs, spec->name)) >= 0) {
		snprintf(err, errlen, "duplicate name '%s' (first defined by %s)",
				spec->name, rs->rules[dup].origin);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.hit_slot = -1;
	if((r.code = tp_compile(spec, err, errlen)) == NULL)
		return -1;
	r.regex = tp_malloc(spec->regex_len + 1);
	r.origin = tp_malloc(strlen(origin) + 1);
	if(r.regex == NULL || r.origin == NULL || tp_grow(rs) < 0) {
		snprintf(err, errlen, "out of memory");
		pcre2_code_free(r.code);
		if(r.regex)
			tp_free(r.regex);
		if(r.origin)
			tp_free(r.origin);
		return -1;
	}
	strcpy(r.origin, origin);
	memcpy(r.regex, spec->regex, spec->regex_len);
	r.regex[spec->regex_len] = '\0';
	r.regex_len = spec->regex_len;
	memcpy(r.name, spec->name, sizeof(r.name));
	r.mode = spec->mode;

	at = from_file ? rs->count : rs->ncfg;
	memmove(&rs->rules[at + 1], &rs->rules[at],
			sizeof(r) * (size_t)(rs->count - at));
	rs->rules[at] = r;
	rs->count++;
	if(!from_file)
		rs->ncfg++;
	rs->gen = tp_gen_next++;
	return 0;
}

tp_match_status_t tp_ruleset_match(
		tp_ruleset_t *rs, const char *ua, size_t len, tp_class_t *out)
{
	int i, rc;

	if(ua == NULL)
		ua = "", len = 0;
	if(len > rs->ua_max_len)
		len = rs->ua_max_len;
	memset(out, 0, sizeof(*out));
	out->rule = -1;
	out->limit_rule = -1;
	out->mode = rs->default_mode;
	out->status = TP_MATCH_MISS;
	for(i = 0; i < rs->count; i++) {
		rc = pcre2_match(
				rs->rules[i].code, (PCRE2_SPTR)ua, len, 0, 0, rs->md, rs->mctx);
		if(rc == PCRE2_ERROR_NOMATCH)
			continue;
		if(rc < 0) {
			/* a limit or no memory: give up on the UA, not the worker */
			out->status = TP_MATCH_LIMIT;
			out->limit_rule = i;
			out->pcre2_error = rc;
			return out->status;
		}
		out->status = TP_MATCH_HIT;
		out->rule = i;
		out->mode = rs->rules[i].mode;
		return out->status;
	}
	return out->status;
}

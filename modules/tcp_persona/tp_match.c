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
	if(rs->by_first)
		tp_free(rs->by_first);
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

/* The bytes a User-Agent can start with for code to match it. PCRE2 says
 * nothing of the first byte of an anchored pattern, so each byte b is
 * tried as a one-byte subject with hard partial matching: "no match" means
 * no subject starting with b matches. Unanchored patterns: every byte. */
static void tp_first_bytes(pcre2_code *code, uint8_t first[32])
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	uint32_t opts = 0;
	unsigned char b1;
	int b, rc;

	memset(first, 0xff, 32);
	if(md == NULL || pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &opts) < 0
			|| !(opts & PCRE2_ANCHORED)) {
		pcre2_match_data_free(md);
		return;
	}
	for(b = 0; b < 256; b++) {
		b1 = (unsigned char)b;
		rc = pcre2_match(
				code, &b1, 1, 0, PCRE2_PARTIAL_HARD | PCRE2_NO_JIT, md, NULL);
		if(rc == PCRE2_ERROR_NOMATCH)
			first[b >> 3] &= (uint8_t) ~(1u << (b & 7));
	}
	pcre2_match_data_free(md);
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
	size_t jitsize = 0;
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
	tp_first_bytes(r.code, r.first);
	r.jit = tp_match_jit_available()
			&& pcre2_pattern_info(r.code, PCRE2_INFO_JITSIZE, &jitsize) == 0
			&& jitsize > 0;
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
	r.observe = spec->observe;

	at = from_file ? rs->count : rs->ncfg;
	memmove(&rs->rules[at + 1], &rs->rules[at],
			sizeof(r) * (size_t)(rs->count - at));
	rs->rules[at] = r;
	rs->count++;
	if(!from_file)
		rs->ncfg++;
	rs->gen = tp_gen_next++;
	rs->by_first_ok = 0;
	return 0;
}

/* the per-first-byte lists of candidate rules; on no memory the set is
 * matched rule by rule */
static void tp_index_build(tp_ruleset_t *rs)
{
	uint32_t n = 0;
	int b, i;

	rs->by_first_ok = 1;
	if(rs->by_first)
		tp_free(rs->by_first);
	rs->by_first = NULL;
	for(b = 0; b < 256; b++) {
		for(i = 0; i < rs->count; i++)
			n += (rs->rules[i].first[b >> 3] >> (b & 7)) & 1;
	}
	if(rs->count > 65535 || (rs->by_first = tp_malloc(2 * (n + 1))) == NULL)
		return;
	for(n = 0, b = 0; b < 256; b++) {
		rs->by_first_off[b] = n;
		for(i = 0; i < rs->count; i++) {
			if((rs->rules[i].first[b >> 3] >> (b & 7)) & 1)
				rs->by_first[n++] = (uint16_t)i;
		}
	}
	rs->by_first_off[256] = n;
}

/* 1 match, 0 no match, <0 a PCRE2 error (limit, memory) */
static int tp_rule_run(tp_ruleset_t *rs, int i, const char *ua, size_t len)
{
	int rc;

	if(rs->rules[i].jit)
		rc = pcre2_jit_match(
				rs->rules[i].code, (PCRE2_SPTR)ua, len, 0, 0, rs->md, rs->mctx);
	else
		rc = pcre2_match(
				rs->rules[i].code, (PCRE2_SPTR)ua, len, 0, 0, rs->md, rs->mctx);
	if(rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc < 0 ? rc : 1;
}

/* the outcome of rule i on the User-Agent; \return 1 when it decides */
static int tp_rule_decides(
		tp_ruleset_t *rs, int i, const char *ua, size_t len, tp_class_t *out)
{
	int rc = tp_rule_run(rs, i, ua, len);

	if(rc == 0)
		return 0;
	if(rc < 0) {
		/* a limit or no memory: give up on the UA, not the worker */
		out->status = TP_MATCH_LIMIT;
		out->limit_rule = i;
		out->pcre2_error = rc;
		return 1;
	}
	out->status = TP_MATCH_HIT;
	out->rule = i;
	out->mode = rs->rules[i].mode;
	out->observe = rs->rules[i].observe;
	return 1;
}

tp_match_status_t tp_ruleset_match(
		tp_ruleset_t *rs, const char *ua, size_t len, tp_class_t *out)
{
	uint32_t k, end;
	int i;

	if(ua == NULL)
		ua = "", len = 0;
	if(len > rs->ua_max_len)
		len = rs->ua_max_len;
	memset(out, 0, sizeof(*out));
	out->rule = -1;
	out->limit_rule = -1;
	out->mode = rs->default_mode;
	out->status = TP_MATCH_MISS;
	if(!rs->by_first_ok)
		tp_index_build(rs);
	if(len > 0 && rs->by_first) {
		/* only the rules that can match a UA starting with this byte */
		k = rs->by_first_off[(unsigned char)ua[0]];
		end = rs->by_first_off[(unsigned char)ua[0] + 1];
		for(; k < end; k++) {
			if(tp_rule_decides(rs, rs->by_first[k], ua, len, out))
				return out->status;
		}
		return out->status;
	}
	for(i = 0; i < rs->count; i++) {
		if(tp_rule_decides(rs, i, ua, len, out))
			return out->status;
	}
	return out->status;
}

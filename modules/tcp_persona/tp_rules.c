/*
 * tcp_persona - persona rule syntax
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tp_rules.h"

static const char *tp_mode_names[TP_MODE_COUNT] = {
		"none", "reuse", "dialog", "transaction"};

const char *tp_mode_name(tp_mode_t mode)
{
	if(mode < 0 || mode >= TP_MODE_COUNT)
		return "?";
	return tp_mode_names[mode];
}

int tp_mode_parse(const char *s, size_t len, tp_mode_t *mode)
{
	int m;

	for(m = 0; m < TP_MODE_COUNT; m++) {
		if(strlen(tp_mode_names[m]) == len
				&& memcmp(tp_mode_names[m], s, len) == 0) {
			*mode = (tp_mode_t)m;
			return 0;
		}
	}
	return -1;
}

static int tp_fail(char *err, size_t errlen, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "column %zu: ", col);
	if(n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int tp_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* a field without the blanks around it */
typedef struct tp_span
{
	const char *s;
	size_t len;
	size_t col; /* 1-based column of s in the rule */
} tp_span_t;

static tp_span_t tp_trim(const char *base, const char *s, const char *e)
{
	tp_span_t sp;

	while(s < e && tp_is_blank(*s))
		s++;
	while(e > s && tp_is_blank(e[-1]))
		e--;
	sp.s = s;
	sp.len = (size_t)(e - s);
	sp.col = (size_t)(s - base) + 1;
	return sp;
}

static int tp_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		   || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int tp_set_name(
		tp_rule_spec_t *out, tp_span_t v, char *err, size_t errlen)
{
	size_t i;

	if(v.len == 0)
		return tp_fail(err, errlen, v.col, "empty name");
	if(v.len > TP_NAME_MAX)
		return tp_fail(err, errlen, v.col,
				"name '%.*s...' is longer than %d characters", 16, v.s,
				TP_NAME_MAX);
	for(i = 0; i < v.len; i++) {
		if(!tp_name_char_ok(v.s[i]))
			return tp_fail(err, errlen, v.col + i,
					"invalid character '%c' in name '%.*s'"
					" (allowed: A-Z a-z 0-9 _ . -)",
					v.s[i], (int)v.len, v.s);
	}
	memcpy(out->name, v.s, v.len);
	out->name[v.len] = '\0';
	return 0;
}

static int tp_set_mode(
		tp_rule_spec_t *out, tp_span_t v, char *err, size_t errlen)
{
	if(tp_mode_parse(v.s, v.len, &out->mode) < 0)
		return tp_fail(err, errlen, v.col,
				"unknown mode '%.*s' (use none, reuse, dialog or transaction)",
				(int)v.len, v.s);
	return 0;
}

static int tp_set_observe(
		tp_rule_spec_t *out, tp_span_t v, char *err, size_t errlen)
{
	if(v.len != 1 || (v.s[0] != '0' && v.s[0] != '1'))
		return tp_fail(err, errlen, v.col,
				"observe must be 0 or 1, got '%.*s'", (int)v.len, v.s);
	out->observe = v.s[0] == '1';
	return 0;
}

int tp_rule_parse(const char *text, size_t len, tp_rule_spec_t *out, char *err,
		size_t errlen)
{
	const char *p = text, *end = text + len, *semi, *eq;
	int have_name = 0, have_mode = 0, have_observe = 0;
	tp_span_t key, val;

	memset(out, 0, sizeof(*out));
	while(p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		eq = memchr(p, '=', (size_t)((semi ? semi : end) - p));
		if(eq == NULL) {
			key = tp_trim(text, p, semi ? semi : end);
			if(key.len == 0)
				return tp_fail(err, errlen, key.col, "empty field");
			return tp_fail(err, errlen, key.col,
					"expected key=value, got '%.*s'", (int)key.len, key.s);
		}
		key = tp_trim(text, p, eq);
		if(key.len == 2 && memcmp(key.s, "ua", 2) == 0) {
			/* the regex is the rest of the rule, verbatim */
			out->regex = eq + 1;
			out->regex_len = (size_t)(end - eq - 1);
			out->regex_col = (size_t)(eq + 1 - text) + 1;
			if(out->regex_len == 0)
				return tp_fail(
						err, errlen, out->regex_col, "empty regex after 'ua='");
			break;
		}
		val = tp_trim(text, eq + 1, semi ? semi : end);
		if(key.len == 4 && memcmp(key.s, "name", 4) == 0) {
			if(have_name++)
				return tp_fail(err, errlen, key.col, "duplicate key 'name'");
			if(tp_set_name(out, val, err, errlen) < 0)
				return -1;
		} else if(key.len == 4 && memcmp(key.s, "mode", 4) == 0) {
			if(have_mode++)
				return tp_fail(err, errlen, key.col, "duplicate key 'mode'");
			if(tp_set_mode(out, val, err, errlen) < 0)
				return -1;
		} else if(key.len == 7 && memcmp(key.s, "observe", 7) == 0) {
			if(have_observe++)
				return tp_fail(err, errlen, key.col, "duplicate key 'observe'");
			if(tp_set_observe(out, val, err, errlen) < 0)
				return -1;
		} else {
			return tp_fail(err, errlen, key.col,
					"unknown key '%.*s' (use name, mode, observe, then ua)",
					(int)key.len, key.s);
		}
		p = semi ? semi + 1 : end;
	}
	if(!have_name)
		return tp_fail(err, errlen, 1, "missing key 'name'");
	if(!have_mode)
		return tp_fail(err, errlen, 1, "missing key 'mode'");
	if(out->regex == NULL)
		return tp_fail(
				err, errlen, len + 1, "missing key 'ua' (it comes last)");
	return 0;
}

int tp_rules_text_each(
		const char *text, size_t len, tp_rule_line_f cb, void *arg)
{
	const char *p = text, *end = text + len, *nl, *s, *e;
	int lineno = 0, ret;

	while(p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		e = nl ? nl : end;
		lineno++;
		if(e > p && e[-1] == '\r')
			e--;
		for(s = p; s < e && tp_is_blank(*s); s++)
			;
		if(s < e && *s != '#') {
			if((ret = cb(arg, lineno, p, (size_t)(e - p))) < 0)
				return ret;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

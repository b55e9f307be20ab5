/*
 * tcp_persona - the text of the bindings sent between P-CSCFs
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "tp_repl.h"

static const char *tp_repl_kinds[] = {
		"update", "sync", "reload", "reclassify", "state"};

#define TP_REPL_ADDR_MAX 48 /* "[v6]:port" */

/* appends what fmt makes, or nothing when it does not fit */
static int tp_add(tp_repl_buf_t *out, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
static int tp_add(tp_repl_buf_t *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	if(out->len >= out->size)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(out->s + out->len, out->size - out->len, fmt, ap);
	va_end(ap);
	if(n < 0 || (size_t)n >= out->size - out->len)
		return -1;
	out->len += (size_t)n;
	return 0;
}

static int tp_add_bytes(tp_repl_buf_t *out, const char *s, size_t len)
{
	if(tp_add(out, " %zu:", len) < 0 || out->size - out->len < len + 1)
		return -1;
	memcpy(out->s + out->len, s, len);
	out->len += len;
	return 0;
}

int tp_repl_begin(tp_repl_buf_t *out, tp_repl_kind_t kind)
{
	out->len = 0;
	return tp_add(out, TP_REPL_MAGIC " %s\n", tp_repl_kinds[kind]);
}

size_t tp_repl_put_max(size_t ua_len, size_t origin_len)
{
	/* the mode word: "transaction/observe" and its space fit in 24 */
	return 2 + 2 * (TP_REPL_ADDR_MAX + 1) + 24 + 2 * 24
		   + 4 * 24 + TP_AOR_MAX + TP_NAME_MAX + ua_len + origin_len + 2;
}

static const char *tp_source_str(const tp_binding_t *b, char *buf, size_t n)
{
	if(b->source.af == 0 || tp_addr_eq(&b->source, &b->contact))
		return "-";
	return tp_addr_str(&b->source, buf, n);
}

/* "dialog", or "dialog/observe" for an observe-only rule's UE */
#define TP_REPL_OBSERVE "/observe"

static int tp_mode_word(const char *w, size_t n, tp_binding_t *b)
{
	size_t k = sizeof(TP_REPL_OBSERVE) - 1;

	b->observe = n > k && memcmp(w + n - k, TP_REPL_OBSERVE, k) == 0;
	return tp_mode_parse(w, b->observe ? n - k : n, &b->mode);
}

int tp_repl_put(tp_repl_buf_t *out, const tp_binding_t *b,
		unsigned long long at_ms, const char *ua, size_t ua_len,
		const char *origin, size_t origin_len)
{
	char c[TP_REPL_ADDR_MAX], s[TP_REPL_ADDR_MAX];
	size_t was = out->len;

	if(tp_add(out, "P %s %s %s%s %lld %llu",
			   tp_addr_str(&b->contact, c, sizeof(c)),
			   tp_source_str(b, s, sizeof(s)), tp_mode_name(b->mode),
			   b->observe ? TP_REPL_OBSERVE : "", (long long)b->expires, at_ms)
					< 0
			|| tp_add_bytes(out, b->aor, strlen(b->aor)) < 0
			|| tp_add_bytes(out, b->rule, strlen(b->rule)) < 0
			|| tp_add_bytes(out, ua ? ua : "", ua ? ua_len : 0) < 0
			|| tp_add_bytes(out, origin, origin_len) < 0
			|| tp_add(out, "\n") < 0) {
		out->len = was;
		return -1;
	}
	return 0;
}

int tp_repl_del(tp_repl_buf_t *out, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, unsigned long long at_ms)
{
	char c[TP_REPL_ADDR_MAX], s[TP_REPL_ADDR_MAX];
	tp_binding_t b;
	size_t was = out->len;

	b.contact = *contact;
	b.source = *source;
	if(tp_add(out, "D %s %s %lld %llu\n", tp_addr_str(contact, c, sizeof(c)),
			   tp_source_str(&b, s, sizeof(s)), (long long)expires, at_ms)
			< 0) {
		out->len = was;
		return -1;
	}
	return 0;
}

/* a cursor over the text being read */
typedef struct tp_rd
{
	const char *s;
	size_t len, pos;
} tp_rd_t;

/* the next blank-ended word (not empty) */
static int tp_word(tp_rd_t *r, const char **w, size_t *n)
{
	size_t p = r->pos;

	while(p < r->len && r->s[p] != ' ' && r->s[p] != '\n')
		p++;
	if(p == r->pos)
		return -1;
	*w = r->s + r->pos;
	*n = p - r->pos;
	r->pos = p;
	return 0;
}

static int tp_char(tp_rd_t *r, char c)
{
	if(r->pos >= r->len || r->s[r->pos] != c)
		return -1;
	r->pos++;
	return 0;
}

static int tp_num(tp_rd_t *r, long long max, long long *v)
{
	const char *w;
	size_t n, i;

	if(tp_word(r, &w, &n) < 0 || n > 18)
		return -1;
	for(*v = 0, i = 0; i < n; i++) {
		if(w[i] < '0' || w[i] > '9')
			return -1;
		*v = *v * 10 + (w[i] - '0');
	}
	return *v <= max ? 0 : -1;
}

/* " LEN:BYTES" */
static int tp_bytes(tp_rd_t *r, size_t max, const char **s, size_t *n)
{
	size_t p = r->pos, v = 0;

	if(tp_char(r, ' ') < 0)
		return -1;
	for(p = r->pos; p < r->len && r->s[p] >= '0' && r->s[p] <= '9'; p++) {
		v = v * 10 + (size_t)(r->s[p] - '0');
		if(v > max)
			return -1;
	}
	if(p == r->pos || p >= r->len || r->s[p] != ':' || r->len - p - 1 < v)
		return -1;
	*s = r->s + p + 1;
	*n = v;
	r->pos = p + 1 + v;
	return 0;
}

static int tp_copy(tp_rd_t *r, char *dst, size_t max)
{
	const char *s;
	size_t n;

	if(tp_bytes(r, max, &s, &n) < 0 || memchr(s, '\0', n))
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int tp_addr_word(tp_rd_t *r, int dash_ok, tp_addr_t *a)
{
	const char *w;
	size_t n;

	if(tp_char(r, ' ') < 0 || tp_word(r, &w, &n) < 0)
		return -1;
	if(dash_ok && n == 1 && w[0] == '-') {
		a->af = 0;
		return 0;
	}
	return tp_addr_parse(w, n, a);
}

static int tp_record(tp_rd_t *r, tp_repl_rec_t *rec)
{
	const char *w;
	size_t n;
	long long v;

	memset(rec, 0, sizeof(*rec));
	if(tp_word(r, &w, &n) < 0 || n != 1 || (w[0] != 'P' && w[0] != 'D'))
		return -1;
	rec->op = w[0];
	if(tp_addr_word(r, 0, &rec->b.contact) < 0
			|| tp_addr_word(r, 1, &rec->b.source) < 0)
		return -1;
	if(rec->b.source.af == 0)
		rec->b.source = rec->b.contact;
	if(rec->op == 'D') {
		if(tp_char(r, ' ') < 0 || tp_num(r, (1LL << 40), &v) < 0)
			return -1;
		rec->b.expires = (time_t)v;
		if(tp_char(r, ' ') < 0 || tp_num(r, (1LL << 50), &v) < 0)
			return -1;
		rec->at_ms = (unsigned long long)v;
	} else {
		if(tp_char(r, ' ') < 0 || tp_word(r, &w, &n) < 0
				|| tp_mode_word(w, n, &rec->b) < 0
				|| tp_char(r, ' ') < 0 || tp_num(r, (1LL << 40), &v) < 0)
			return -1;
		rec->b.expires = (time_t)v;
		if(tp_char(r, ' ') < 0 || tp_num(r, (1LL << 50), &v) < 0)
			return -1;
		rec->at_ms = (unsigned long long)v;
		if(tp_copy(r, rec->b.aor, TP_AOR_MAX) < 0
				|| tp_copy(r, rec->b.rule, TP_NAME_MAX) < 0
				|| tp_bytes(r, 65535, &rec->ua, &rec->ua_len) < 0
				|| tp_bytes(r, 255, &rec->origin, &rec->origin_len) < 0)
			return -1;
	}
	return tp_char(r, '\n');
}

int tp_repl_read(const char *s, size_t len, tp_repl_kind_t *kind,
		tp_repl_rec_f f, void *arg, size_t *bad)
{
	tp_rd_t r = {s, len, 0};
	tp_repl_rec_t rec;
	const char *w;
	size_t n, k;
	int count = 0;

	*bad = 0;
	if(tp_word(&r, &w, &n) < 0 || n != sizeof(TP_REPL_MAGIC) - 1
			|| memcmp(w, TP_REPL_MAGIC, n) != 0 || tp_char(&r, ' ') < 0
			|| tp_word(&r, &w, &n) < 0)
		return -1;
	for(k = 0; k < sizeof(tp_repl_kinds) / sizeof(tp_repl_kinds[0]); k++)
		if(strlen(tp_repl_kinds[k]) == n && memcmp(w, tp_repl_kinds[k], n) == 0)
			break;
	if(k == sizeof(tp_repl_kinds) / sizeof(tp_repl_kinds[0])
			|| tp_char(&r, '\n') < 0) {
		*bad = r.pos;
		return -1;
	}
	*kind = (tp_repl_kind_t)k;
	while(r.pos < r.len) {
		*bad = r.pos;
		if(tp_record(&r, &rec) < 0)
			return -1;
		count++;
		if(f && f(&rec, arg) < 0)
			break;
	}
	return count;
}

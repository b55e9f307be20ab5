/*
 * tcp_persona - libFuzzer target: the text another P-CSCF sends over DMQ
 * (any host that reaches the DMQ port can send it). Reading must not
 * fault, and every record read must write back to text that reads to the
 * same record.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tp_repl.h"

static int same(const tp_repl_rec_t *a, const tp_repl_rec_t *b)
{
	if(a->op != b->op || !tp_addr_eq(&a->b.contact, &b->b.contact)
			|| !tp_addr_eq(&a->b.source, &b->b.source)
			|| a->b.expires != b->b.expires || a->at_ms != b->at_ms)
		return 0;
	if(a->op == 'D')
		return a->at_ms == b->at_ms;
	return a->b.mode == b->b.mode && a->b.observe == b->b.observe
		   && strcmp(a->b.aor, b->b.aor) == 0
		   && strcmp(a->b.rule, b->b.rule) == 0 && a->ua_len == b->ua_len
		   && memcmp(a->ua, b->ua, a->ua_len) == 0
		   && a->origin_len == b->origin_len
		   && memcmp(a->origin, b->origin, a->origin_len) == 0;
}

static int again(const tp_repl_rec_t *r, void *arg)
{
	*(tp_repl_rec_t *)arg = *r;
	return 0;
}

static int check(const tp_repl_rec_t *r, void *arg __attribute__((unused)))
{
	size_t size = tp_repl_put_max(r->ua_len, r->origin_len) + 64, bad;
	char *text = malloc(size);
	tp_repl_buf_t out = {text, 0, size};
	tp_repl_rec_t back;
	tp_repl_kind_t kind;
	int w;

	tp_repl_begin(&out, TP_REPL_UPDATE);
	w = r->op == 'P' ? tp_repl_put(&out, &r->b, r->at_ms, r->ua, r->ua_len,
							   r->origin, r->origin_len)
					 : tp_repl_del(&out, &r->b.contact, &r->b.source,
							   r->b.expires, r->at_ms);
	if(w < 0 || tp_repl_read(text, out.len, &kind, again, &back, &bad) != 1
			|| !same(r, &back))
		__builtin_trap();
	free(text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_repl_kind_t kind;
	size_t bad;

	if(tp_repl_read((const char *)data, size, &kind, check, NULL, &bad) < 0
			&& bad > size)
		__builtin_trap();
	return 0;
}

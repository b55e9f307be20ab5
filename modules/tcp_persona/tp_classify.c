/*
 * tcp_persona - classifying a User-Agent inside Kamailio
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <ctype.h>

#include "core/dprint.h"
#include "core/globals.h"

#include "tp_cache.h"
#include "tp_classify.h"
#include "tp_load.h"
#include "tp_reload.h"

static tp_cache_t tp_ua_cache; /* per process: each child has its copy */

/* pkg allocator overhead per cached User-Agent copy, measured on Debian's
 * build (it keeps debug info per fragment) */
#define TP_PKG_FRAG_OVERHEAD 112

/* Distinct hostile User-Agents can fill the whole cache: its worst case
 * must leave most of a worker's pkg memory to tm and the parser. */
static int tp_check_cache_budget(int tp_cache_size, int tp_ua_max_len)
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

int tp_classify_init(int cache_size, int ua_max_len)
{
	if(tp_check_cache_budget(cache_size, ua_max_len) < 0)
		return -1;
	if(tp_cache_init(&tp_ua_cache, (uint32_t)cache_size) < 0) {
		LM_ERR("no pkg memory for a cache of %d User-Agents\n", cache_size);
		return -1;
	}
	return 0;
}

unsigned int tp_classify_cache_capacity(void)
{
	return tp_cache_capacity(&tp_ua_cache);
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

int tp_classify_ua(const str *ua, tp_class_t *c, const char **name)
{
	tp_ruleset_t *rs = tp_active_rules();
	uint64_t misses = tp_ua_cache.misses;
	PCRE2_UCHAR why[64];
	char shown[65];

	if(rs == NULL)
		return -1;
	tp_classify(rs, &tp_ua_cache, ua->s, (size_t)ua->len, c);
	if(c->status == TP_MATCH_LIMIT
			&& (tp_ua_cache.misses != misses || tp_ua_cache.e == NULL)) {
		/* logged when first seen; the cache answers the repeats */
		pcre2_get_error_message(c->pcre2_error, why, sizeof(why));
		LM_WARN("User-Agent [%s] (%d bytes) hit a PCRE2 limit (%s) in rule"
				" '%s': default mode '%s' used\n",
				tp_printable(ua, shown, sizeof(shown)), ua->len, (char *)why,
				rs->rules[c->limit_rule].name, tp_mode_name(c->mode));
	}
	if(c->status == TP_MATCH_HIT)
		tp_reload_count_hit(rs, c->rule); /* cache hits count too */
	*name = c->rule >= 0 ? rs->rules[c->rule].name : "";
	return 0;
}

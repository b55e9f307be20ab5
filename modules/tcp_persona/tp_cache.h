/*
 * tcp_persona - classification cache
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE: remembers the classification of recent User-Agent strings, because
 * the same few hundred strings repeat millions of times. Bounded (4-way set
 * associative, least recently used way replaced) and per process, so it
 * needs no lock. Entries carry the rule set generation: a changed set makes
 * every entry stale at once.
 */

#ifndef TP_CACHE_H
#define TP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "tp_match.h"

#define TP_CACHE_WAYS 4
#define TP_CACHE_SIZE_DEFAULT 1024

typedef struct tp_cache_entry
{
	uint64_t hash;
	char *ua; /*!< NULL: free way */
	size_t len;
	uint64_t used; /*!< tick of the last hit, for LRU */
	tp_match_status_t status;
	int rule;
	int limit_rule;
	int pcre2_error;
} tp_cache_entry_t;

typedef struct tp_cache
{
	tp_cache_entry_t *e; /*!< nsets * TP_CACHE_WAYS */
	uint32_t nsets;		 /*!< power of two */
	uint64_t tick;		 /*!< 64 bits: never wraps, so LRU never inverts */
	unsigned int gen;	 /*!< rule set generation of every entry */
	uint64_t hits;
	uint64_t misses;
} tp_cache_t;

/*!
 * Sizes the cache for at least 'entries' User-Agents (rounded up to a power
 * of two, at least TP_CACHE_WAYS); 0 entries makes a disabled cache.
 * \return 0 or -1
 */
int tp_cache_init(tp_cache_t *c, uint32_t entries);

void tp_cache_free(tp_cache_t *c);

/*! drops every entry */
void tp_cache_flush(tp_cache_t *c);

/*! number of entries the cache can hold */
uint32_t tp_cache_capacity(const tp_cache_t *c);

/*!
 * Classifies ua like tp_ruleset_match(), answering from the cache when it
 * can. The key is the prefix the matcher examines (ua_max_len bytes).
 * \return out->status
 */
tp_match_status_t tp_classify(tp_ruleset_t *rs, tp_cache_t *c, const char *ua,
		size_t len, tp_class_t *out);

#endif /* TP_CACHE_H */

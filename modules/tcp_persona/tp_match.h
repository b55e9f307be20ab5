/*
 * tcp_persona - User-Agent matching
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE: an ordered set of compiled rules (PCRE2, JIT where available) and
 * first-match classification of a User-Agent, bounded in time and memory.
 * A rule set belongs to one process: Kamailio's children get their copy at
 * fork, so matching takes no lock.
 */

#ifndef TP_MATCH_H
#define TP_MATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "tp_rules.h"

/*! defaults of the module parameters of the same names */
#define TP_UA_MAX_LEN_DEFAULT 512
#define TP_UA_MAX_LEN_MAX 8192
#define TP_MATCH_LIMIT_DEFAULT 100000
#define TP_DEPTH_LIMIT_DEFAULT 5000

typedef struct tp_rule
{
	char name[TP_NAME_MAX + 1];
	tp_mode_t mode;
	int observe; /*!< observe-only: UEs it matches are handled as none */
	char *regex; /*!< NUL-terminated copy of the rule's regex */
	size_t regex_len;
	char *origin; /*!< where it was defined ("rule #2", "FILE:LINE") */
	pcre2_code *code;
	int jit;		   /*!< code was JIT-compiled: pcre2_jit_match() runs it */
	int hit_slot;	   /*!< its hit counter (tp_hits), -1 for none */
	uint8_t first[32]; /*!< bytes a match can start the User-Agent with */
} tp_rule_t;

typedef struct tp_ruleset
{
	tp_rule_t *rules;
	int count;
	int cap;
	int ncfg; /*!< rules[0..ncfg) came from modparam, the rest from the file */
	unsigned int gen; /*!< changes with every change of the set */
	tp_mode_t default_mode;
	size_t ua_max_len;	  /*!< longer User-Agents are matched on this prefix */
	uint32_t match_limit; /*!< as given to tp_ruleset_set_limits() */
	uint32_t depth_limit;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	pcre2_jit_stack *jit_stack; /*!< sized for ua_max_len subjects */
	/* which rules can match a User-Agent starting with byte b, in order:
	 * by_first[by_first_off[b] .. by_first_off[b + 1]); built on first use */
	uint16_t *by_first;
	uint32_t by_first_off[257];
	int by_first_ok; /*!< the index matches the rules */
} tp_ruleset_t;

/*! outcome of one classification */
typedef enum tp_match_status
{
	TP_MATCH_HIT = 1,
	TP_MATCH_MISS = -1,
	TP_MATCH_LIMIT = -2 /*!< a rule hit a PCRE2 limit: default mode */
} tp_match_status_t;

typedef struct tp_class
{
	tp_match_status_t status;
	int rule;		 /*!< index in the set, -1 when none matched */
	tp_mode_t mode;	 /*!< the rule's mode, else the set's default */
	int observe;	 /*!< the rule is observe-only */
	int limit_rule;	 /*!< with TP_MATCH_LIMIT: the rule that hit it */
	int pcre2_error; /*!< with TP_MATCH_LIMIT: PCRE2's error code */
} tp_class_t;

/*! prepares an empty set with the given limits; \return 0 or -1 */
int tp_ruleset_init(tp_ruleset_t *rs, size_t ua_max_len, uint32_t match_limit,
		uint32_t depth_limit);

/*!
 * Applies new limits to every later match. The JIT stack and the
 * interpreter's heap limit grow with ua_max_len (at most TP_UA_MAX_LEN_MAX),
 * so ordinary regexes never fail on a long User-Agent for lack of room.
 * \return 0, or -1 when the JIT stack cannot be had
 */
int tp_ruleset_set_limits(tp_ruleset_t *rs, size_t ua_max_len,
		uint32_t match_limit, uint32_t depth_limit);

/*! frees the rules and the match context, leaves an empty set */
void tp_ruleset_free(tp_ruleset_t *rs);

/*!
 * Compiles spec and adds it: modparam rules (from_file 0) go after the
 * other modparam rules and before every file rule, file rules at the end.
 * \return 0, or -1 with a message in err (duplicate name, PCRE2 error
 * with its offset, out of memory)
 */
int tp_ruleset_add(tp_ruleset_t *rs, const tp_rule_spec_t *spec, int from_file,
		const char *origin, char *err, size_t errlen);

/*! \return index of the rule called name, or -1 */
int tp_ruleset_find(const tp_ruleset_t *rs, const char *name);

/*!
 * Tries the rules in order on the first ua_max_len bytes of ua (any bytes,
 * NUL included); the first match wins.
 * \return out->status
 */
tp_match_status_t tp_ruleset_match(
		tp_ruleset_t *rs, const char *ua, size_t len, tp_class_t *out);

/*! 1 when PCRE2 was built with JIT and the set uses it */
int tp_match_jit_available(void);

#endif /* TP_MATCH_H */

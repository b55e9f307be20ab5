/*
 * tcp_persona - reloading the rules file at run time
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Every process has its own compiled rule set (PCRE2 JIT code cannot be
 * shared across processes). A reload parses and compiles the new set in the
 * process that got the RPC; only when all of it compiled is the file's text
 * published in shared memory under a new generation number. Each process
 * then builds its own copy from that text and swaps it in, whole, before
 * its next classification: no process sees an empty or half set, and no
 * process frees a set another one uses.
 */

#ifndef TP_RELOAD_H
#define TP_RELOAD_H

#include <stddef.h>
#include <stdint.h>

#include "tp_match.h"

typedef struct tp_reload_result
{
	int rules;				   /*!< rules in the new set (modparam + file) */
	unsigned int gen;		   /*!< its generation */
	unsigned int reclassified; /*!< bindings re-matched */
	unsigned int changed;	   /*!< of which changed mode */
} tp_reload_result_t;

/*! after the cfg's rules are loaded: the shared state and the hit counters
 * of the cfg's set; \return 0 or -1 */
int tp_reload_init(void);

/*! switches rs to the published set if there is a newer one */
void tp_reload_sync(tp_ruleset_t *rs);

/*!
 * Re-reads rules_file and publishes the new set; with reclassify, re-matches
 * every binding by its stored User-Agent. \return 0, or -1 with err set and
 * nothing changed
 */
int tp_reload_run(
		int reclassify, tp_reload_result_t *res, char *err, size_t errlen);

/*! the generation of the published set, 0 for the cfg's */
unsigned int tp_reload_generation(void);

/*! how many times a process could not switch to a published set (it
 * keeps its old set and retries a few seconds later) */
unsigned int tp_reload_switch_failed(void);

/*! counts a classification won by rule i of rs */
void tp_reload_count_hit(const tp_ruleset_t *rs, int i);

/*! \return the hits of rule i of rs since Kamailio started */
uint64_t tp_reload_hits(const tp_ruleset_t *rs, int i);

#endif /* TP_RELOAD_H */

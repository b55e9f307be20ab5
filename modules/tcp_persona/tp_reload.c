/*
 * tcp_persona - reloading the rules file at run time
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/shm_mem.h"

#include "tp_hits.h"
#include "tp_hooks.h"
#include "tp_load.h"
#include "tp_reload.h"

/* shared: the published file text and its generation */
typedef struct tp_published
{
	gen_lock_t reload; /* one reload at a time */
	gen_lock_t lock;   /* guards gen, text, len */
	unsigned int gen;
	char *text;
	size_t len;
	unsigned int switch_failed; /* processes that could not switch */
} tp_published_t;

static tp_published_t *tp_pub;
static tp_hits_t *tp_hits;
static unsigned int tp_local_gen; /* per process: the set it uses */
static time_t tp_retry_at;		  /* per process: after a failed switch */

/* a process that cannot build the new set retries this much later */
#define TP_SWITCH_RETRY_SECS 5

unsigned int tp_reload_generation(void)
{
	return tp_pub ? __atomic_load_n(&tp_pub->gen, __ATOMIC_ACQUIRE) : 0;
}

static void tp_resolve_hits(tp_ruleset_t *rs)
{
	int i;

	for(i = 0; i < rs->count; i++) {
		rs->rules[i].hit_slot = tp_hits_slot(tp_hits, rs->rules[i].name);
		if(rs->rules[i].hit_slot < 0)
			LM_WARN("rule '%s': more than %d rule names seen, its hits are"
					" not counted\n",
					rs->rules[i].name, TP_HITS_MAX);
	}
}

void tp_reload_count_hit(const tp_ruleset_t *rs, int i)
{
	if(tp_hits && i >= 0 && i < rs->count)
		tp_hits_add(tp_hits, rs->rules[i].hit_slot);
}

uint64_t tp_reload_hits(const tp_ruleset_t *rs, int i)
{
	if(tp_hits == NULL || i < 0 || i >= rs->count)
		return 0;
	return tp_hits_get(tp_hits, rs->rules[i].hit_slot);
}

int tp_reload_init(void)
{
	tp_ruleset_t *rs = tp_active_rules();

	tp_pub = shm_mallocxz(sizeof(*tp_pub));
	tp_hits = tp_hits_create(TP_HITS_MAX);
	if(rs == NULL || tp_pub == NULL || tp_hits == NULL) {
		LM_ERR("no shared memory for the rule set's shared state\n");
		return -1;
	}
	lock_init(&tp_pub->reload);
	lock_init(&tp_pub->lock);
	tp_resolve_hits(rs);
	return 0;
}

/* a new set: rs's limits and modparam rules, then the file's rules */
static int tp_build(const tp_ruleset_t *rs, const char *text, size_t len,
		tp_ruleset_t *out, char *err, size_t errlen)
{
	const char *path = tp_active_rules_file();
	tp_rule_spec_t spec;
	int i;

	if(tp_ruleset_init(out, rs->ua_max_len, rs->match_limit, rs->depth_limit)
			< 0) {
		snprintf(err, errlen, "out of memory for a new rule set");
		return -1;
	}
	out->default_mode = rs->default_mode;
	for(i = 0; i < rs->ncfg; i++) {
		memset(&spec, 0, sizeof(spec));
		memcpy(spec.name, rs->rules[i].name, sizeof(spec.name));
		spec.mode = rs->rules[i].mode;
		spec.observe = rs->rules[i].observe;
		spec.regex = rs->rules[i].regex;
		spec.regex_len = rs->rules[i].regex_len;
		spec.regex_col = 1;
		if(tp_ruleset_add(out, &spec, 0, rs->rules[i].origin, err, errlen) < 0)
			goto fail;
	}
	if(tp_load_file_rules(out, path ? path : "rules_file", text, len,
			   TP_LOAD_ECHO_RPC, err, errlen)
			< 0)
		goto fail;
	tp_resolve_hits(out);
	return 0;
fail:
	tp_ruleset_free(out);
	return -1;
}

/* replaces what rs holds by fresh, whole */
static void tp_swap(tp_ruleset_t *rs, tp_ruleset_t *fresh, unsigned int gen)
{
	tp_ruleset_free(rs);
	*rs = *fresh;
	tp_local_gen = gen;
}

/* a failed switch is counted and retried later, not on every message */
static void tp_switch_failed(unsigned int gen, const char *why)
{
	LM_ERR("cannot switch to rule set %u, the old set stays for now (retry"
		   " in %d s): %s\n",
			gen, TP_SWITCH_RETRY_SECS, why);
	__atomic_add_fetch(&tp_pub->switch_failed, 1, __ATOMIC_RELAXED);
	tp_retry_at = time(NULL) + TP_SWITCH_RETRY_SECS;
}

void tp_reload_sync(tp_ruleset_t *rs)
{
	char err[TP_LOAD_ERR_MAX];
	unsigned int gen = tp_reload_generation();
	tp_ruleset_t fresh;
	char *text = NULL;
	size_t len = 0;

	if(gen == tp_local_gen || (tp_retry_at && time(NULL) < tp_retry_at))
		return;
	lock_get(&tp_pub->lock);
	gen = tp_pub->gen;
	if(tp_pub->text && (text = malloc(tp_pub->len + 1)) != NULL) {
		memcpy(text, tp_pub->text, tp_pub->len + 1);
		len = tp_pub->len;
	}
	lock_release(&tp_pub->lock);
	if(text == NULL) {
		tp_switch_failed(gen, "no memory for the rules text");
		return;
	}
	if(tp_build(rs, text, len, &fresh, err, sizeof(err)) < 0) {
		tp_switch_failed(gen, err);
	} else {
		tp_swap(rs, &fresh, gen);
		tp_retry_at = 0;
	}
	free(text);
}

unsigned int tp_reload_switch_failed(void)
{
	return tp_pub ? __atomic_load_n(&tp_pub->switch_failed, __ATOMIC_RELAXED)
				  : 0;
}

/* copies text into shared memory under a new generation; \return it */
static int tp_publish(const char *text, size_t len, unsigned int *gen)
{
	char *copy = shm_malloc(len + 1);

	if(copy == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	lock_get(&tp_pub->lock);
	if(tp_pub->text)
		shm_free(tp_pub->text);
	tp_pub->text = copy;
	tp_pub->len = len;
	*gen = tp_pub->gen + 1;
	__atomic_store_n(&tp_pub->gen, *gen, __ATOMIC_RELEASE);
	lock_release(&tp_pub->lock);
	return 0;
}

/* reclassification: the process's new set, no cache, no hit counted */
static void tp_rematch(const char *ua, size_t len, tp_mode_t *mode,
		int *observe, char *rule, size_t rule_size, void *arg)
{
	tp_ruleset_t *rs = (tp_ruleset_t *)arg;
	tp_class_t c;

	tp_ruleset_match(rs, ua, len, &c);
	*mode = c.mode;
	*observe = c.observe;
	snprintf(rule, rule_size, "%s", c.rule >= 0 ? rs->rules[c.rule].name : "");
}

int tp_reload_run(
		int reclassify, tp_reload_result_t *res, char *err, size_t errlen)
{
	const char *path = tp_active_rules_file();
	tp_ruleset_t *rs, fresh;
	size_t len = 0;
	char *text;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if(path == NULL) {
		snprintf(err, errlen,
				"no rules_file is configured: nothing to"
				" reload");
		return -1;
	}
	if(tp_pub == NULL || (rs = tp_active_rules()) == NULL) {
		snprintf(err, errlen, "the module is not initialised");
		return -1;
	}
	lock_get(&tp_pub->reload);
	tp_retry_at = 0;
	tp_reload_sync(rs); /* build on the latest set */
	if((text = tp_read_rules_file(path, &len, err, errlen)) == NULL)
		goto done;
	if(tp_build(rs, text, len, &fresh, err, errlen) < 0)
		goto done;
	if(tp_publish(text, len, &res->gen) < 0) {
		tp_ruleset_free(&fresh);
		snprintf(err, errlen, "no shared memory for the new rules");
		goto done;
	}
	tp_swap(rs, &fresh, res->gen);
	res->rules = rs->count;
	if(reclassify && tp_bindings)
		res->reclassified = tp_bind_reclassify(
				tp_bindings, time(NULL), tp_rematch, rs, &res->changed);
	LM_NOTICE("rules_file '%s' reloaded: %d rules, generation %u%s\n", path,
			rs->count, res->gen, reclassify ? ", bindings re-classified" : "");
	ret = 0;
done:
	lock_release(&tp_pub->reload);
	free(text);
	return ret;
}

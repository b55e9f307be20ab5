/*
 * tcp_persona - RPC tcp_persona.profile and tcp_persona.profile_rules
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mem/mem.h"
#include "core/rpc.h"
#include "core/str.h"

#include "tp_discover.h"
#include "tp_load.h"
#include "tp_match.h"
#include "tp_profile_rule.h"
#include "tp_rpc.h"

/* the counters, by their names in the reply */
#define TP_OBS_SHOWN TP_OBS_EVENTS
static const char *tp_obs_names[TP_OBS_SHOWN] = {"mo_on_registration",
		"mo_on_reused", "mo_new_per_dialog", "mo_new_per_transaction",
		"mt_registration_ok", "mt_registration_failed", "mt_new_ok",
		"mt_new_failed", "closed_by_phone_after_transaction",
		"closed_by_phone_after_dialog", "closed_by_phone_idle",
		"closed_by_proxy_idle"};

/* families read a page at a time: the store's lock is held per page */
#define TP_PROFILE_PAGE 32

/* what the active rules give the family's User-Agent today */
typedef struct tp_profile_rule_now
{
	const char *name; /* "" when no rule matches */
	tp_mode_t mode;
	int observe;
} tp_profile_rule_now_t;

static void tp_rule_now(
		tp_ruleset_t *rs, const tp_obs_family_t *f, tp_profile_rule_now_t *r)
{
	tp_class_t c;

	r->name = "";
	r->mode = rs ? rs->default_mode : TP_MODE_NONE;
	r->observe = 0;
	if(rs == NULL || f->example[0] == '\0')
		return;
	tp_ruleset_match(rs, f->example, strlen(f->example), &c);
	if(c.rule >= 0) {
		r->name = rs->rules[c.rule].name;
		r->mode = c.mode;
		r->observe = c.observe;
	}
}

static int tp_profile_add(rpc_t *rpc, void *ah, tp_ruleset_t *rs,
		const tp_obs_family_t *f, time_t now)
{
	tp_suggestion_t s;
	tp_profile_rule_now_t r;
	void *fh;
	int k;

	tp_suggest(&f->seen, &s);
	tp_rule_now(rs, f, &r);
	if(rpc->array_add(ah, "{", &fh) < 0
			|| rpc->struct_add(fh, "ssdd", "family", f->family, "example",
					   f->example, "first_seen_ago", (int)(now - f->first),
					   "last_seen_ago", (int)(now - f->last))
					   < 0)
		return -1;
	for(k = 0; k < TP_OBS_SHOWN; k++)
		if(rpc->struct_add(fh, "u", tp_obs_names[k], (unsigned int)f->seen.n[k])
				< 0)
			return -1;
	return rpc->struct_add(fh, "sdsssdd", "suggested",
			s.suggested ? tp_mode_name(s.mode) : "", "confidence",
			(int)s.confidence, "why", s.why, "rule", r.name, "rule_mode",
			r.name[0] ? tp_mode_name(r.mode) : "", "rule_observe", r.observe,
			"disagree", s.suggested && r.name[0] && r.mode != s.mode);
}

const char *tp_rpc_profile_doc[] = {
		"What each User-Agent family was seen to do, the persona it"
		" suggests and the rule it gets today. Parameter (optional): one"
		" family, as listed.",
		0};

void tp_rpc_profile(rpc_t *rpc, void *ctx)
{
	tp_observe_t *o = tp_discover_store();
	tp_obs_family_t *page, one;
	tp_ruleset_t *rs = tp_active_rules();
	time_t now = time(NULL);
	unsigned int off = 0, n, i;
	void *th, *ah;
	str fam = STR_NULL;
	int got;

	if(o == NULL) {
		rpc->fault(ctx, 400, "discover_families is 0: discovery is off");
		return;
	}
	if((got = tp_rpc_opt_str(rpc, ctx, &fam)) < 0
			|| tp_rpc_extra(rpc, ctx, "at most one parameter: a family"))
		return;
	if(got && !tp_observe_get(o, fam.s, (size_t)fam.len, &one)) {
		rpc->fault(ctx, 404, "no such family (see tcp_persona.profile)");
		return;
	}
	if(rpc->add(ctx, "{", &th) < 0
			|| rpc->struct_add(th, "dd[", "families", tp_observe_count(o),
					   "evicted", (int)tp_observe_evicted(o), "list", &ah)
					   < 0) {
		rpc->fault(ctx, 500, "internal error creating the reply");
		return;
	}
	if(got) {
		tp_profile_add(rpc, ah, rs, &one, now);
		return;
	}
	if((page = pkg_malloc(TP_PROFILE_PAGE * sizeof(*page))) == NULL) {
		rpc->fault(ctx, 500, "no memory");
		return;
	}
	while((n = tp_observe_list(o, off, page, TP_PROFILE_PAGE)) > 0) {
		for(i = 0; i < n; i++)
			if(tp_profile_add(rpc, ah, rs, &page[i], now) < 0) {
				pkg_free(page);
				rpc->fault(ctx, 500, "internal error creating the reply");
				return;
			}
		off += n;
	}
	pkg_free(page);
}

/* the example in a comment line: a folded User-Agent's line breaks and
 * other control bytes become '.' (it was matched as stored, before) */
static void tp_printable(char *s)
{
	for(; *s; s++)
		if((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '.';
}

/* a family's regex: each '#' may become 41 bytes */
#define TP_PROFILE_RE_MAX (TP_FAMILY_MAX * 41 + 2)
/* a proposed rule's line */
#define TP_PROFILE_LINE_MAX (TP_PROFILE_RE_MAX + TP_NAME_MAX + 64)
/* rules proposed per call: the names are checked against each other */
#define TP_PROFILE_RULES_MAX 500

/* a rule for family f, checked: it compiles and matches the family's own
 * User-Agent. \return 0 and the rule's text in line, or -1 */
static int tp_proposed_rule(const tp_obs_family_t *f, tp_mode_t mode,
		const char *name, char *line, size_t size)
{
	char re[TP_PROFILE_RE_MAX], err[256];
	tp_rule_spec_t spec;
	tp_ruleset_t rs;
	tp_class_t c;
	int ok;

	if(tp_family_regex(f->family, re, sizeof(re)) == 0)
		return -1;
	snprintf(line, size, "name=%s;mode=%s;observe=1;ua=%s", name,
			tp_mode_name(mode), re);
	if(tp_rule_parse(line, strlen(line), &spec, err, sizeof(err)) < 0
			|| tp_ruleset_init(&rs, TP_OBS_EXAMPLE_MAX + 1, 100000, 5000) < 0)
		return -1;
	ok = tp_ruleset_add(&rs, &spec, 0, "profile_rules", err, sizeof(err)) == 0
		 && tp_ruleset_match(&rs, f->example, strlen(f->example), &c)
					== TP_MATCH_HIT;
	tp_ruleset_free(&rs);
	return ok ? 0 : -1;
}

/* the names proposed so far in one reply */
typedef struct tp_taken
{
	char (*names)[TP_NAME_MAX + 1];
	int n;
} tp_taken_t;

static int tp_taken_has(const tp_taken_t *t, const char *name)
{
	int i;

	for(i = 0; i < t->n; i++)
		if(strcmp(t->names[i], name) == 0)
			return 1;
	return 0;
}

/* a name no active rule has and none proposed before (suffix -2, -3...);
 * the caller keeps t->n below TP_PROFILE_RULES_MAX */
static void tp_free_name(
		tp_ruleset_t *rs, const char *family, tp_taken_t *t, char *name)
{
	char base[TP_NAME_MAX + 1];
	int k;

	tp_family_rule_name(family, base, sizeof(base));
	for(k = 1;; k++) {
		if(k == 1)
			snprintf(name, TP_NAME_MAX + 1, "%s", base);
		else
			snprintf(name, TP_NAME_MAX + 1, "%.*s-%d", TP_NAME_MAX - 8, base, k);
		if((rs == NULL || tp_ruleset_find(rs, name) < 0)
				&& !tp_taken_has(t, name))
			break;
	}
	strcpy(t->names[t->n++], name);
}

const char *tp_rpc_profile_rules_doc[] = {
		"Rules for the User-Agent families with enough evidence and no"
		" rule, as lines of a rules file, observe-only: for review.",
		0};

void tp_rpc_profile_rules(rpc_t *rpc, void *ctx)
{
	tp_observe_t *o = tp_discover_store();
	tp_ruleset_t *rs = tp_active_rules();
	tp_obs_family_t *page;
	tp_profile_rule_now_t r;
	tp_suggestion_t s;
	tp_taken_t taken;
	char *line, name[TP_NAME_MAX + 1], example[TP_OBS_EXAMPLE_MAX + 1];
	unsigned int off = 0, n, i, proposed = 0, more = 0;

	if(o == NULL) {
		rpc->fault(ctx, 400, "discover_families is 0: discovery is off");
		return;
	}
	if(tp_rpc_extra(rpc, ctx, "no parameter expected"))
		return;
	page = pkg_malloc(TP_PROFILE_PAGE * sizeof(*page));
	taken.names = pkg_malloc(TP_PROFILE_RULES_MAX * sizeof(*taken.names));
	taken.n = 0;
	line = pkg_malloc(TP_PROFILE_LINE_MAX);
	if(page == NULL || taken.names == NULL || line == NULL) {
		if(page)
			pkg_free(page);
		if(taken.names)
			pkg_free(taken.names);
		if(line)
			pkg_free(line);
		rpc->fault(ctx, 500, "no memory");
		return;
	}
	rpc->rpl_printf(ctx, "# tcp_persona.profile_rules: families with at least"
						 " %d originating dialogs seen and no rule;"
						 " observe-only, review before use",
			TP_SUGGEST_MIN);
	while((n = tp_observe_list(o, off, page, TP_PROFILE_PAGE)) > 0) {
		for(i = 0; i < n; i++) {
			tp_suggest(&page[i].seen, &s);
			tp_rule_now(rs, &page[i], &r);
			if(!s.suggested || r.name[0])
				continue;
			if(taken.n == TP_PROFILE_RULES_MAX) {
				more++;
				continue;
			}
			tp_free_name(rs, page[i].family, &taken, name);
			memcpy(example, page[i].example, sizeof(example));
			tp_printable(example);
			rpc->rpl_printf(ctx, "# %s (e.g. %s): %s, confidence %u%%",
					page[i].family, example, s.why, s.confidence);
			if(tp_proposed_rule(
					   &page[i], s.mode, name, line, TP_PROFILE_LINE_MAX)
					< 0)
				rpc->rpl_printf(ctx, "#   no regex found that matches its"
									 " User-Agent: write the rule by hand");
			else
				rpc->rpl_printf(ctx, "%s", line);
			proposed++;
		}
		off += n;
	}
	rpc->rpl_printf(ctx, "# %u rules proposed", proposed);
	if(more)
		rpc->rpl_printf(ctx, "# %u more families: add these rules and run"
							 " it again",
				more);
	pkg_free(page);
	pkg_free(taken.names);
	pkg_free(line);
}

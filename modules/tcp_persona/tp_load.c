/*
 * tcp_persona - loading the rule set from kamailio.cfg
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"

#include "tp_load.h"

#define TP_ERRBUF 320

static tp_ruleset_t tp_rules;
static int tp_rules_ready;
static int tp_cfg_rule_no; /* modparam "rule" lines seen so far */
static char *tp_rules_file;
static int tp_default_mode_set;

tp_ruleset_t *tp_active_rules(void)
{
	if(!tp_rules_ready) {
		if(tp_ruleset_init(&tp_rules, TP_UA_MAX_LEN_DEFAULT,
				   TP_MATCH_LIMIT_DEFAULT, TP_DEPTH_LIMIT_DEFAULT)
				< 0)
			return NULL;
		tp_rules_ready = 1;
	}
	return &tp_rules;
}

const char *tp_active_rules_file(void)
{
	return tp_rules_file;
}

/* parses and adds one rule; origin names it in messages ("rule #2") */
static int tp_load_one(
		const char *text, size_t len, int from_file, const char *origin)
{
	tp_ruleset_t *rs = tp_active_rules();
	char err[TP_ERRBUF];
	tp_rule_spec_t spec;

	if(rs == NULL)
		return -1;
	if(tp_rule_parse(text, len, &spec, err, sizeof(err)) == 0
			&& tp_ruleset_add(rs, &spec, from_file, origin, err, sizeof(err))
					   == 0)
		return 0;
	LM_ERR("%s%s%s%s [%.*s]: %s\n", origin, spec.name[0] ? " '" : "", spec.name,
			spec.name[0] ? "'" : "", len > 200 ? 200 : (int)len, text, err);
	return -1;
}

int tp_param_rule(modparam_t type, void *val)
{
	char origin[32];

	tp_cfg_rule_no++;
	snprintf(origin, sizeof(origin), "rule #%d", tp_cfg_rule_no);
	return tp_load_one((char *)val, strlen((char *)val), 0, origin);
}

static int tp_load_file_line(
		void *arg, int lineno, const char *line, size_t len)
{
	char origin[PATH_MAX + 16];

	snprintf(origin, sizeof(origin), "%s:%d", (const char *)arg, lineno);
	return tp_load_one(line, len, 1, origin);
}

/* the whole file in one malloc'd, NUL-terminated buffer */
static char *tp_read_file(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	size_t n;

	if((f = fopen(path, "r")) == NULL) {
		LM_ERR("rules_file '%s': cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(TP_RULES_FILE_MAX + 1);
	n = buf ? fread(buf, 1, TP_RULES_FILE_MAX + 1, f) : 0;
	if(buf == NULL || ferror(f) || n > TP_RULES_FILE_MAX) {
		LM_ERR("rules_file '%s': %s\n", path,
				buf == NULL ? "out of memory"
				: ferror(f) ? strerror(errno)
							: "larger than 1 MiB");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int tp_param_rules_file(modparam_t type, void *val)
{
	const char *path = (const char *)val;
	size_t len = 0;
	char *text;
	int ret;

	if(tp_rules_file != NULL) {
		LM_ERR("rules_file given twice ('%s', then '%s'): one file only\n",
				tp_rules_file, path);
		return -1;
	}
	if((tp_rules_file = strdup(path)) == NULL || tp_active_rules() == NULL)
		return -1;
	if((text = tp_read_file(path, &len)) == NULL)
		return -1;
	ret = tp_rules_text_each(text, len, tp_load_file_line, (void *)path);
	free(text);
	return ret < 0 ? -1 : 0;
}

int tp_param_default_mode(modparam_t type, void *val)
{
	const char *s = (const char *)val;
	tp_ruleset_t *rs = tp_active_rules();

	if(rs == NULL)
		return -1;
	if(tp_default_mode_set++) {
		LM_ERR("default_mode given twice (now '%s'): one value only\n", s);
		return -1;
	}
	if(tp_mode_parse(s, strlen(s), &rs->default_mode) < 0) {
		LM_ERR("invalid default_mode '%s' (use none, reuse, dialog or"
			   " transaction)\n",
				s);
		return -1;
	}
	return 0;
}

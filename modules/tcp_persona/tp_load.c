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
#include "tp_reload.h"

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
	tp_reload_sync(&tp_rules); /* a reload elsewhere: switch first */
	return &tp_rules;
}

const char *tp_active_rules_file(void)
{
	return tp_rules_file;
}

int tp_load_rule(tp_ruleset_t *rs, const char *text, size_t len, int from_file,
		const char *origin, size_t echo, char *err, size_t errlen)
{
	char why[TP_ERRBUF];
	tp_rule_spec_t spec;

	memset(&spec, 0, sizeof(spec));
	if(tp_rule_parse(text, len, &spec, why, sizeof(why)) == 0
			&& tp_ruleset_add(rs, &spec, from_file, origin, why, sizeof(why))
					   == 0)
		return 0;
	snprintf(err, errlen, "%s%s%s%s [%.*s%s]: %s", origin,
			spec.name[0] ? " '" : "", spec.name, spec.name[0] ? "'" : "",
			len > echo ? (int)echo : (int)len, text, len > echo ? "..." : "",
			why);
	return -1;
}

int tp_param_rule(modparam_t type, void *val)
{
	tp_ruleset_t *rs = tp_active_rules();
	char origin[32], err[TP_LOAD_ERR_MAX];

	tp_cfg_rule_no++;
	snprintf(origin, sizeof(origin), "rule #%d", tp_cfg_rule_no);
	if(rs == NULL)
		return -1;
	if(tp_load_rule(rs, (char *)val, strlen((char *)val), 0, origin,
			   TP_LOAD_ECHO_CFG, err, sizeof(err))
			< 0) {
		LM_ERR("%s\n", err);
		return -1;
	}
	return 0;
}

typedef struct tp_file_load
{
	tp_ruleset_t *rs;
	const char *path;
	size_t echo;
	char *err;
	size_t errlen;
} tp_file_load_t;

static int tp_load_file_line(
		void *arg, int lineno, const char *line, size_t len)
{
	tp_file_load_t *fl = (tp_file_load_t *)arg;
	char origin[PATH_MAX + 16];

	snprintf(origin, sizeof(origin), "%s:%d", fl->path, lineno);
	return tp_load_rule(
			fl->rs, line, len, 1, origin, fl->echo, fl->err, fl->errlen);
}

int tp_load_file_rules(tp_ruleset_t *rs, const char *path, const char *text,
		size_t len, size_t echo, char *err, size_t errlen)
{
	tp_file_load_t fl = {rs, path, echo, err, errlen};

	return tp_rules_text_each(text, len, tp_load_file_line, &fl) < 0 ? -1 : 0;
}

char *tp_read_rules_file(
		const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	char *buf;
	size_t n;

	if((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "rules_file '%s': cannot open: %s", path,
				strerror(errno));
		return NULL;
	}
	buf = malloc(TP_RULES_FILE_MAX + 1);
	n = buf ? fread(buf, 1, TP_RULES_FILE_MAX + 1, f) : 0;
	if(buf == NULL || ferror(f) || n > TP_RULES_FILE_MAX) {
		snprintf(err, errlen, "rules_file '%s': %s", path,
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
	char err[TP_LOAD_ERR_MAX];
	tp_ruleset_t *rs;
	size_t len = 0;
	char *text;
	int ret;

	if(tp_rules_file != NULL) {
		LM_ERR("rules_file given twice ('%s', then '%s'): one file only\n",
				tp_rules_file, path);
		return -1;
	}
	/* reloads run after Kamailio's chdir to its working directory; a
	 * missing file keeps its name for the error below */
	if((tp_rules_file = realpath(path, NULL)) == NULL
			&& (tp_rules_file = strdup(path)) == NULL)
		return -1;
	path = tp_rules_file;
	if((rs = tp_active_rules()) == NULL)
		return -1;
	if((text = tp_read_rules_file(path, &len, err, sizeof(err))) == NULL) {
		LM_ERR("%s\n", err);
		return -1;
	}
	ret = tp_load_file_rules(
			rs, path, text, len, TP_LOAD_ECHO_CFG, err, sizeof(err));
	free(text);
	if(ret < 0)
		LM_ERR("%s\n", err);
	return ret;
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

/*
 * tcp_persona - persona rule syntax
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE: parses and validates one rule, "name=N;mode=M;ua=REGEX", and splits a
 * rules file into rule lines. Knows nothing of PCRE2 or Kamailio.
 */

#ifndef TP_RULES_H
#define TP_RULES_H

#include <stddef.h>

#define TP_NAME_MAX 64

/*! how the proxy treats TCP toward a handset; order is the documented one */
typedef enum tp_mode
{
	TP_MODE_NONE = 0,	 /*!< stock Kamailio behaviour */
	TP_MODE_REUSE,		 /*!< everything on the registration connection */
	TP_MODE_DIALOG,		 /*!< one proxy-opened connection per dialog */
	TP_MODE_TRANSACTION, /*!< one proxy-opened connection per transaction */
	TP_MODE_COUNT
} tp_mode_t;

/*! one parsed rule; regex points into the parsed text */
typedef struct tp_rule_spec
{
	char name[TP_NAME_MAX + 1];
	tp_mode_t mode;
	int observe; /*!< observe=1: counted and shown, traffic handled as none */
	const char *regex;
	size_t regex_len;
	size_t regex_col; /*!< 1-based column of the regex in the rule text */
} tp_rule_spec_t;

/*! "none", "reuse", "dialog", "transaction" */
const char *tp_mode_name(tp_mode_t mode);

/*! \return 0 and *mode set, or -1 for an unknown mode name */
int tp_mode_parse(const char *s, size_t len, tp_mode_t *mode);

/*!
 * Parses one rule. Keys name and mode come first in any order, ua comes last
 * and everything after "ua=" is the regex, verbatim.
 * \return 0, or -1 with a message in err (it names the column)
 */
int tp_rule_parse(const char *text, size_t len, tp_rule_spec_t *out, char *err,
		size_t errlen);

/*! called for each rule line of a rules file, with its 1-based number */
typedef int (*tp_rule_line_f)(
		void *arg, int lineno, const char *line, size_t len);

/*!
 * Calls cb for each line of text that holds a rule: blank lines and lines
 * whose first non-blank character is '#' are skipped, a trailing CR is cut.
 * \return 0, or the first negative value cb returned
 */
int tp_rules_text_each(
		const char *text, size_t len, tp_rule_line_f cb, void *arg);

#endif /* TP_RULES_H */

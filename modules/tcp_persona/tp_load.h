/*
 * tcp_persona - loading the rule set from kamailio.cfg
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * The modparam handlers "rule", "rules_file" and "default_mode". They parse
 * and compile at once, so a bad rule stops Kamailio while it reads its
 * configuration (also under kamailio -c), with one line that names the rule.
 */

#ifndef TP_LOAD_H
#define TP_LOAD_H

#include <limits.h>

#include "core/sr_module.h"

#include "tp_match.h"

/*! largest rules_file read */
#define TP_RULES_FILE_MAX (1024 * 1024)

/*! how much of a bad rule its error line repeats: at startup, and in an
 * RPC reply (binrpc cuts faults at 256 bytes: the reason must fit) */
#define TP_LOAD_ECHO_CFG 200
#define TP_LOAD_ECHO_RPC 48

/*! room for one rule's error line */
#define TP_LOAD_ERR_MAX (PATH_MAX + 600)

/*! the process's rule set, created on first use with default limits; it
 * switches to a set published by tcp_persona.reload first */
tp_ruleset_t *tp_active_rules(void);

/*! the rules_file parameter, or NULL */
const char *tp_active_rules_file(void);

/*!
 * Parses and compiles one rule into rs; origin names it ("rule #2",
 * "FILE:LINE"). \return 0, or -1 with one line in err naming the origin,
 * the rule, the column and the problem
 */
int tp_load_rule(tp_ruleset_t *rs, const char *text, size_t len, int from_file,
		const char *origin, size_t echo, char *err, size_t errlen);

/*! adds the rules of a rules file's text to rs, errors repeating up to
 * echo bytes of the bad rule; \return 0, or -1 (err) */
int tp_load_file_rules(tp_ruleset_t *rs, const char *path, const char *text,
		size_t len, size_t echo, char *err, size_t errlen);

/*! \return the file in a malloc'd NUL-terminated buffer, or NULL (err) */
char *tp_read_rules_file(
		const char *path, size_t *len, char *err, size_t errlen);

int tp_param_rule(modparam_t type, void *val);
int tp_param_rules_file(modparam_t type, void *val);
int tp_param_default_mode(modparam_t type, void *val);

#endif /* TP_LOAD_H */

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

#include "core/sr_module.h"

#include "tp_match.h"

/*! largest rules_file read */
#define TP_RULES_FILE_MAX (1024 * 1024)

/*! the process's rule set, created on first use with default limits */
tp_ruleset_t *tp_active_rules(void);

/*! the rules_file parameter, or NULL */
const char *tp_active_rules_file(void);

int tp_param_rule(modparam_t type, void *val);
int tp_param_rules_file(modparam_t type, void *val);
int tp_param_default_mode(modparam_t type, void *val);

#endif /* TP_LOAD_H */

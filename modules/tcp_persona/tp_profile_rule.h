/*
 * tcp_persona - a rule written for a User-Agent family
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: what tcp_persona.profile_rules proposes for a family (tp_family.h):
 * a regex that matches every User-Agent of the family (the family's text,
 * each '#' a version token as tp_ua_family() reads one (or a '#'), blanks as runs of
 * blanks), and a rule name made of the family's letters and digits.
 */
#ifndef TP_PROFILE_RULE_H
#define TP_PROFILE_RULE_H

#include <stddef.h>

/*! the family's regex, anchored at the start, in out (size bytes).
 * \return its length, 0 when it does not fit */
size_t tp_family_regex(const char *family, char *out, size_t size);

/*! "auto-" and the family's letters and digits in lower case, other runs
 * as one '-', cut to fit size (at most TP_NAME_MAX + 1) */
void tp_family_rule_name(const char *family, char *out, size_t size);

#endif /* TP_PROFILE_RULE_H */

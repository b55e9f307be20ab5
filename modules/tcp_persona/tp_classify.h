/*
 * tcp_persona - classifying a User-Agent inside Kamailio
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * The process's classification cache in front of the active rule set, and
 * the one log line a User-Agent that hits a PCRE2 limit gets.
 */

#ifndef TP_CLASSIFY_H
#define TP_CLASSIFY_H

#include "core/str.h"

#include "tp_match.h"

/*! sizes the cache after checking its worst case against pkg memory;
 * \return 0, or -1 with the reason logged */
int tp_classify_init(int cache_size, int ua_max_len);

unsigned int tp_classify_cache_capacity(void);

/*!
 * Classifies ua with the active rules. *name is the matched rule's name,
 * "" when none matched. \return 0, or -1 without a rule set
 */
int tp_classify_ua(const str *ua, tp_class_t *out, const char **name);

#endif /* TP_CLASSIFY_H */

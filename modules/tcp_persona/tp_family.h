/*
 * tcp_persona - User-Agent families
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: a phone's User-Agent reduced to its family, so that firmware and
 * build versions of one SIP stack count together: "iOS/17.5.1 iPhone" and
 * "iOS/17.6 iPhone" are both "iOS/# iPhone". The rules, in order:
 *  - a version-like run, one that starts with a digit and goes on through
 *    letters and digits, and through '.', '_' or '-' followed by a digit,
 *    becomes one '#' ("17.5.1", "991B", "1A.231005.007"; "6.0-rc1" is
 *    "#-rc#");
 *  - blanks (space, tab) collapse to one space, and none lead or trail;
 *  - control characters are dropped;
 *  - the family is cut to TP_FAMILY_MAX bytes.
 * A family reduces to itself.
 */
#ifndef TP_FAMILY_H
#define TP_FAMILY_H

#include <stddef.h>

#define TP_FAMILY_MAX 96

/*! ua's family into out (NUL-terminated, at most size - 1 and
 * TP_FAMILY_MAX bytes); \return its length */
size_t tp_ua_family(const char *ua, size_t len, char *out, size_t size);

#endif /* TP_FAMILY_H */

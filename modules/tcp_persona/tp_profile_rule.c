/*
 * tcp_persona - a rule written for a User-Agent family
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_profile_rule.h"
#include "tp_rules.h"

/* a version token as tp_ua_family() reads one: a digit, then letters and
 * digits, or '.', '_', '-' each followed by a digit; or a '#' of the
 * User-Agent's own, which the family keeps as it is */
#define TP_VERSION_RE "(?:[0-9](?:[0-9A-Za-z]|[._-][0-9])*|#)"
#define TP_BLANKS_RE "[ \t]+"

static int tp_put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if(*n + len + 1 > size)
		return -1;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

size_t tp_family_regex(const char *family, char *out, size_t size)
{
	size_t n = 0;
	const char *p;
	char esc[2] = {'\\', 0};
	int r = tp_put(out, size, &n, "^", 1);

	for(p = family; *p && r == 0; p++) {
		if(*p == '#')
			r = tp_put(out, size, &n, TP_VERSION_RE, sizeof(TP_VERSION_RE) - 1);
		else if(*p == ' ')
			r = tp_put(out, size, &n, TP_BLANKS_RE, sizeof(TP_BLANKS_RE) - 1);
		else if(strchr("\\^$.|?*+()[]{}", *p)) {
			esc[1] = *p;
			r = tp_put(out, size, &n, esc, 2);
		} else
			r = tp_put(out, size, &n, p, 1);
	}
	if(r < 0) {
		if(size)
			out[0] = '\0';
		return 0;
	}
	return n;
}

static int tp_is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
		   || (c >= 'A' && c <= 'Z');
}

void tp_family_rule_name(const char *family, char *out, size_t size)
{
	size_t n, max;
	const char *p;

	if(size == 0)
		return;
	max = (size > TP_NAME_MAX + 1 ? TP_NAME_MAX + 1 : size) - 1;
	n = max < 5 ? max : 5;
	memcpy(out, "auto-", n);
	for(p = family; *p && n < max; p++) {
		if(tp_is_alnum(*p))
			out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
		else if(n > 0 && out[n - 1] != '-')
			out[n++] = '-';
	}
	while(n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

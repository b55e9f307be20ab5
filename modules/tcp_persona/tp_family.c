/*
 * tcp_persona - User-Agent families
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tp_family.h"

static int tp_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int tp_is_alnum(unsigned char c)
{
	return tp_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* the end of the version-like run at ua[i] (a digit): letters and digits,
 * and '.', '_', '-' when a digit follows ("1A.231005.007", not the "-A"
 * of "991B-Android") */
static size_t tp_version_end(const char *ua, size_t len, size_t i)
{
	unsigned char c;

	while(i < len) {
		c = (unsigned char)ua[i];
		if(tp_is_alnum(c))
			i++;
		else if((c == '.' || c == '_' || c == '-') && i + 1 < len
				&& tp_is_digit((unsigned char)ua[i + 1]))
			i += 2;
		else
			break;
	}
	return i;
}

static int tp_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

size_t tp_ua_family(const char *ua, size_t len, char *out, size_t size)
{
	size_t max = size ? size - 1 : 0, n = 0, i = 0;
	int blank = 0; /* a blank is owed before the next character */

	if(max > TP_FAMILY_MAX)
		max = TP_FAMILY_MAX;
	while(i < len && n < max) {
		unsigned char c = (unsigned char)ua[i];
		char put;

		if(tp_is_blank(c)) {
			blank = n > 0;
			i++;
			continue;
		}
		if(c < 0x20 || c == 0x7f) {
			i++;
			continue;
		}
		if(tp_is_digit(c)) {
			i = tp_version_end(ua, len, i);
			put = '#';
		} else {
			put = (char)c;
			i++;
		}
		if(blank) {
			if(n + 1 >= max)
				break;
			out[n++] = ' ';
			blank = 0;
		}
		out[n++] = put;
	}
	if(size)
		out[n] = '\0';
	return n;
}

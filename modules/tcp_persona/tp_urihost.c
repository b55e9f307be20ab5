/*
 * tcp_persona - the address of a plain SIP URI, read fast
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_urihost.h"

/* byte classes: a user part's bytes this reader takes (none of them
 * means anything to the core's parser before the '@'), and a parameter's */
#define TP_C_USER 1
#define TP_C_PARAM 2
#define TP_C_ALNUM (TP_C_USER | TP_C_PARAM)
#define TP_C_RANGE(a, b, v) [a ... b] = v

static const unsigned char tp_class[256] = {
		TP_C_RANGE('0', '9', TP_C_ALNUM),
		TP_C_RANGE('a', 'z', TP_C_ALNUM),
		TP_C_RANGE('A', 'Z', TP_C_ALNUM),
		['-'] = TP_C_ALNUM,
		['_'] = TP_C_ALNUM,
		['.'] = TP_C_ALNUM,
		['!'] = TP_C_USER,
		['~'] = TP_C_USER,
		['*'] = TP_C_USER,
		['\''] = TP_C_USER,
		['('] = TP_C_USER,
		[')'] = TP_C_USER,
		['+'] = TP_C_USER,
		['%'] = TP_C_USER,
		['&'] = TP_C_USER,
		['='] = TP_C_USER,
		['$'] = TP_C_USER,
		[','] = TP_C_USER,
};

static int tp_is(char c, unsigned char cls)
{
	return (tp_class[(unsigned char)c] & cls) != 0;
}

/* c is w, a lower case letter or another byte, in any case */
static int tp_char_is(char c, char w)
{
	return c == w || (w >= 'a' && w <= 'z' && (char)(c | 0x20) == w);
}

/* s (len bytes) is word, letters in any case */
static int tp_word_is(const char *s, size_t len, const char *word, size_t wlen)
{
	size_t i;

	if(len != wlen)
		return 0;
	for(i = 0; i < len; i++)
		if(!tp_char_is(s[i], word[i]))
			return 0;
	return 1;
}

#define TP_WORD_IS(s, len, lit) tp_word_is(s, len, lit, sizeof(lit) - 1)

/* a decimal number of 1..max_digits digits without a leading zero (but
 * "0"), at most max; \return the digits read, 0 if none fit */
static size_t tp_number(const char *s, const char *end, size_t max_digits,
		unsigned long max, unsigned long *v)
{
	unsigned long x = 0; /* not *v: a char store may alias it */
	size_t n = 0;

	while(s + n < end && n <= max_digits && s[n] >= '0' && s[n] <= '9')
		x = x * 10 + (unsigned long)(s[n++] - '0');
	*v = x;
	if(n == 0 || n > max_digits || x > max || (n > 1 && s[0] == '0'))
		return 0;
	return n;
}

/* one octet of a.b.c.d: 1-3 digits, no leading zero, at most 255;
 * \return the byte after it, or NULL. Unrolled: it runs for every next
 * hop, and a loop through tp_number() cost three times as much */
static const char *tp_octet(const char *p, const char *end, uint8_t *o)
{
	unsigned int v, d;

	if(p >= end || (v = (unsigned char)*p - '0') > 9)
		return NULL;
	if(++p >= end || (d = (unsigned char)*p - '0') > 9)
		goto done;
	if(v == 0)
		return NULL; /* a leading zero */
	v = v * 10 + d;
	if(++p >= end || (d = (unsigned char)*p - '0') > 9)
		goto done;
	v = v * 10 + d;
	if(v > 255 || (++p < end && (unsigned int)((unsigned char)*p - '0') <= 9))
		return NULL;
done:
	*o = (uint8_t)v;
	return p;
}

/* a.b.c.d in canonical form: what the core's str2ip reads alike */
static const char *tp_ipv4(const char *p, const char *end, uint8_t ip[4])
{
	if((p = tp_octet(p, end, &ip[0])) == NULL || p >= end || *p != '.'
			|| (p = tp_octet(p + 1, end, &ip[1])) == NULL || p >= end
			|| *p != '.' || (p = tp_octet(p + 1, end, &ip[2])) == NULL
			|| p >= end || *p != '.')
		return NULL;
	return tp_octet(p + 1, end, &ip[3]);
}

/* ";name[=value]..." up to end; the transport parameter, at most once */
static int tp_params(const char *p, const char *end, tp_uri_tr_t *tr)
{
	const char *name, *val;
	size_t nlen, vlen;
	int seen = 0;

	while(p < end) {
		if(*p++ != ';')
			return 0;
		for(name = p; p < end && tp_is(*p, TP_C_PARAM); p++)
			;
		nlen = (size_t)(p - name);
		val = p;
		vlen = 0;
		if(p < end && *p == '=') {
			for(val = ++p; p < end && tp_is(*p, TP_C_PARAM); p++)
				;
			vlen = (size_t)(p - val);
			if(vlen == 0)
				return 0;
		}
		if(nlen == 0 || (p < end && *p != ';'))
			return 0;
		/* maddr names another host; and the core's parser refuses "ma",
		 * "mad", ... up to "maddr" without a value at the URI's end */
		if(nlen >= 2 && tp_char_is(name[0], 'm') && tp_char_is(name[1], 'a'))
			return 0;
		if(!TP_WORD_IS(name, nlen, "transport"))
			continue;
		if(seen++ || vlen == 0)
			return 0;
		if(TP_WORD_IS(val, vlen, "udp"))
			*tr = TP_TR_UDP;
		else if(TP_WORD_IS(val, vlen, "tcp"))
			*tr = TP_TR_TCP;
		else if(TP_WORD_IS(val, vlen, "tls"))
			*tr = TP_TR_TLS;
		else
			return 0; /* sctp, ws, ...: the core's */
	}
	return 1;
}

int tp_urihost_plain(const char *s, size_t len, tp_addr_t *a, tp_uri_tr_t *tr)
{
	const char *end = s + len, *p, *at;
	unsigned long port = 0;
	size_t n;

	if(len < 11 || !TP_WORD_IS(s, 4, "sip:"))
		return 0;
	p = s + 4;
	at = memchr(p, '@', len - 4);
	if(at) {
		if(at == p || memchr(at + 1, '@', (size_t)(end - at - 1)))
			return 0;
		for(; p < at; p++)
			if(!tp_is(*p, TP_C_USER))
				return 0;
		p = at + 1;
	}
	memset(a, 0, sizeof(*a));
	if((p = tp_ipv4(p, end, a->ip)) == NULL)
		return 0;
	if(p < end && *p == ':') {
		if((n = tp_number(++p, end, 5, 65535, &port)) == 0 || port == 0)
			return 0;
		p += n;
	}
	*tr = TP_TR_NONE;
	if(!tp_params(p, end, tr))
		return 0;
	a->af = 4;
	a->port = (unsigned short)(port ? port : (*tr == TP_TR_TLS ? 5061 : 5060));
	return 1;
}

int tp_urihost_ipv4(const char *s, size_t len, uint8_t ip[4])
{
	return len >= sizeof("0.0.0.0") - 1 && len <= sizeof("255.255.255.255") - 1
		   && tp_ipv4(s, s + len, ip) == s + len;
}

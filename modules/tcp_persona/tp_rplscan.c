/*
 * tcp_persona - the Contact and Expires headers of the proxy's own 2xx
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>
#include <strings.h>

#include "tp_rplscan.h"

/* the header line at p (up to its CRLF): name and body as the core's
 * parser gives them; \return the next line, or NULL when not one */
static char *tp_rpl_line(char *p, char *end, str *name, str *body, char **eol)
{
	char *colon, *e;

	e = memchr(p, '\n', (size_t)(end - p));
	if(e == NULL || e == p || e[-1] != '\r')
		return NULL;
	*eol = e + 1;
	e--; /* the CR */
	colon = memchr(p, ':', (size_t)(e - p));
	if(colon == NULL)
		return NULL;
	name->s = p;
	for(name->len = (int)(colon - p);
			name->len > 0 && (p[name->len - 1] == ' ' || p[name->len - 1] == '\t');
			name->len--)
		;
	for(body->s = colon + 1; body->s < e && (*body->s == ' ' || *body->s == '\t');
			body->s++)
		;
	for(body->len = (int)(e - body->s);
			body->len > 0
			&& (body->s[body->len - 1] == ' ' || body->s[body->len - 1] == '\t');
			body->len--)
		;
	return *eol;
}

static int tp_name_is(const str *name, const char *n)
{
	return (size_t)name->len == strlen(n) && strncasecmp(name->s, n, name->len) == 0;
}

static void tp_rpl_hdr(struct hdr_field *f, hdr_types_t type, const str *name,
		const str *body, char *start, char *eol)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = *name;
	f->body = *body;
	f->len = (int)(eol - start);
}

int tp_rpl_scan(char *buf, int len, sip_msg_t *rpl, tp_rpl_hdrs_t *h)
{
	char *end = buf + len, *p, *next, *eol;
	struct hdr_field *last = NULL;
	str name, body;
	int n = 0;

	if(buf == NULL || len <= 0 || (p = memchr(buf, '\n', (size_t)len)) == NULL)
		return -1;
	for(p++; p < end; p = next) {
		if(end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return 0; /* the end of the headers */
		if(*p == ' ' || *p == '\t') /* a folded line: not for this scan */
			return -1;
		if((next = tp_rpl_line(p, end, &name, &body, &eol)) == NULL)
			return -1;
		if(tp_name_is(&name, "Contact") || tp_name_is(&name, "m")) {
			if(n == TP_RPL_CONTACT_HDRS)
				return -1;
			tp_rpl_hdr(&h->contact[n], HDR_CONTACT_T, &name, &body, p, eol);
			if(last)
				last->next = &h->contact[n];
			else
				rpl->contact = &h->contact[n];
			last = &h->contact[n++];
		} else if(tp_name_is(&name, "Expires") && rpl->expires == NULL) {
			tp_rpl_hdr(&h->expires, HDR_EXPIRES_T, &name, &body, p, eol);
			rpl->expires = &h->expires;
		}
	}
	return -1; /* no empty line */
}

void tp_rpl_scan_free(sip_msg_t *rpl)
{
	struct hdr_field *f;

	for(f = rpl->contact; f; f = f->next)
		clean_hdr_field(f);
	if(rpl->expires)
		clean_hdr_field(rpl->expires);
}

/*
 * tcp_persona - UE addresses out of SIP: URIs and Contact headers
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/resolve.h"
#include "core/ut.h"
#include "core/parser/contact/parse_contact.h"
#include "core/parser/parse_uri.h"
#include "core/parser/msg_parser.h"

#include "tp_sipaddr.h"
#include "tp_urihost.h"

void tp_addr_from_ip(
		tp_addr_t *a, const struct ip_addr *ip, unsigned short port)
{
	memset(a, 0, sizeof(*a));
	a->af = ip->af == AF_INET6 ? 6 : 4;
	a->port = port;
	memcpy(a->ip, ip->u.addr, ip->len == 16 ? 16 : 4);
}

void tp_ip_from_addr(struct ip_addr *ip, const tp_addr_t *a)
{
	memset(ip, 0, sizeof(*ip));
	ip->af = a->af == 6 ? AF_INET6 : AF_INET;
	ip->len = a->af == 6 ? 16 : 4;
	memcpy(ip->u.addr, a->ip, ip->len);
}

/* The host is read as the core reads it when it sends (str2ipx): the
 * module's address is the one tm connects to. That reader is lenient
 * ("010.0.0.81" is 10.0.0.81, "256.1.1.1" is 0.1.1.1); so is the binding,
 * and a UE can name any address in its Contact anyway. */
static int tp_sip_uri_addr(struct sip_uri *u, tp_addr_t *a, int *proto)
{
	struct ip_addr *ip;
	uint8_t v4[4];

	/* the common host, a canonical IPv4 address, without the core's
	 * general reader (a third of a none UE's in-dialog request) */
	if(tp_urihost_ipv4(u->host.s, (size_t)u->host.len, v4)) {
		memset(a, 0, sizeof(*a));
		a->af = 4;
		a->port = u->port_no;
		memcpy(a->ip, v4, sizeof(v4));
	} else if((ip = str2ipx(&u->host)) != NULL)
		tp_addr_from_ip(a, ip, u->port_no);
	else
		return -1; /* a name: no UE is bound to it */
	/* no port (or 0, which the core's forwarding reads alike): the
	 * transport's default */
	if(a->port == 0)
		a->port = (u->type == SIPS_URI_T || u->proto == PROTO_TLS) ? 5061 : 5060;
	if(proto)
		*proto = u->type == SIPS_URI_T ? PROTO_TLS : u->proto;
	return 0;
}

/* a plain URI without the core's parser (most next hops are a UE's
 * Contact); anything else is the core's */
static int tp_plain_uri_addr(str *uri, tp_addr_t *a, int *proto)
{
	static const int protos[] = {[TP_TR_NONE] = PROTO_NONE,
			[TP_TR_UDP] = PROTO_UDP, [TP_TR_TCP] = PROTO_TCP,
			[TP_TR_TLS] = PROTO_TLS};
	tp_uri_tr_t tr;

	if(uri->s == NULL || uri->len <= 0
			|| !tp_urihost_plain(uri->s, (size_t)uri->len, a, &tr))
		return 0;
	if(proto)
		*proto = protos[tr];
	return 1;
}

int tp_uri_addr_core(str *uri, tp_addr_t *a, int *proto)
{
	struct sip_uri u;

	if(parse_uri(uri->s, uri->len, &u) < 0)
		return -1;
	return tp_sip_uri_addr(&u, a, proto);
}

int tp_uri_addr(str *uri, tp_addr_t *a, int *proto)
{
	if(tp_plain_uri_addr(uri, a, proto))
		return 0;
	return tp_uri_addr_core(uri, a, proto);
}

int tp_hop_addr(sip_msg_t *msg, str *hop, tp_addr_t *a, int *proto)
{
	int ruri = hop == &msg->new_uri || hop == &msg->first_line.u.request.uri;

	/* the R-URI: the core's parse of it when the core made one already */
	if(ruri && msg->parsed_uri_ok)
		return tp_sip_uri_addr(&msg->parsed_uri, a, proto);
	if(tp_plain_uri_addr(hop, a, proto))
		return 0;
	/* else the core's parse of it, kept on the message for its later
	 * readers */
	if(ruri) {
		if(parse_sip_msg_uri(msg) < 0)
			return -1;
		return tp_sip_uri_addr(&msg->parsed_uri, a, proto);
	}
	return tp_uri_addr_core(hop, a, proto);
}

int tp_contact_each(struct hdr_field *h, tp_contact_f f, void *arg)
{
	contact_body_t *body;
	contact_t *c;
	tp_addr_t a;

	if(parse_contact(h) < 0 || h->parsed == NULL)
		return -1;
	body = (contact_body_t *)h->parsed;
	if(body->star)
		return 1;
	for(c = body->contacts; c; c = c->next) {
		if(tp_uri_addr(&c->uri, &a, NULL) < 0) {
			LM_DBG("contact [%.*s] has no IP host: not bound\n", c->uri.len,
					c->uri.s);
			continue;
		}
		f(c, &a, arg);
	}
	return 0;
}

int tp_msg_contact_addr(sip_msg_t *msg, tp_addr_t *a)
{
	contact_body_t *body;

	if((msg->contact == NULL && parse_headers(msg, HDR_CONTACT_F, 0) < 0)
			|| msg->contact == NULL || parse_contact(msg->contact) < 0
			|| (body = (contact_body_t *)msg->contact->parsed) == NULL
			|| body->star || body->contacts == NULL)
		return -1;
	return tp_uri_addr(&body->contacts->uri, a, NULL);
}

int tp_contact_expires_param(const contact_t *c, unsigned int *secs)
{
	str v;

	if(c->expires == NULL || c->expires->body.len <= 0)
		return 0;
	v = c->expires->body;
	return str2int(&v, secs) == 0;
}

int tp_host_addr(const str *host, unsigned short port, tp_addr_t *a)
{
	ip_addr_t ip;
	str h = *host;

	if(h.len >= 2 && h.s[0] == '[' && h.s[h.len - 1] == ']') {
		h.s++;
		h.len -= 2;
	}
	if(h.len <= 0 || port == 0 || str2ipxbuf(&h, &ip) < 0)
		return -1;
	tp_addr_from_ip(a, &ip, port);
	return 0;
}

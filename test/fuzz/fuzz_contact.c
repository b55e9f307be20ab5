/*
 * tcp_persona - libFuzzer target: the UE addresses the module learns from
 * what a UE writes. The input is a Contact header's body as a REGISTER
 * carries it (tp_contact_each: Kamailio's parse_contact, parse_uri and
 * str2ipx, then the module's conversion), and the same bytes as a request's
 * next hop URI (tp_uri_addr), all under ASan and UBSan, the core's log
 * statements included. Every address given must be printable and parse
 * back; where libc reads the host too (inet_pton), it is libc's address;
 * the port is the URI's, else exactly the transport's default; a URI the
 * module reads without the core (tp_urihost_plain) gives exactly what the
 * core's parser gives, transport included; every
 * Contact whose host the core reads as an IP is given, and only those; all
 * of it lies inside the input.
 *
 * FUZZ_PRINT=1 ./fuzz_contact FILE prints what a Contact body gives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parser/contact/parse_contact.h"
#include "core/parser/parse_uri.h"
#include "core/resolve.h"

#include "tp_sipaddr.h"
#include "tp_urihost.h"

typedef struct seen
{
	const char *start, *end; /* the input */
	int n;
} seen_t;

/* the URI's host as libc reads it: 4 or 6 with ip set, else 0 */
static int libc_ip(const struct sip_uri *u, unsigned char *ip)
{
	char host[64];
	const char *h = u->host.s;
	size_t len = (size_t)u->host.len;
	int v6 = 0;

	if(len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
		v6 = 1;
	}
	if(len >= sizeof(host) || memchr(h, '\0', len))
		return 0;
	memcpy(host, h, len);
	host[len] = '\0';
	if(v6)
		return inet_pton(AF_INET6, host, ip) == 1 ? 6 : 0;
	return inet_pton(AF_INET, host, ip) == 1 ? 4 : 0;
}

/* the fast reader of a canonical IPv4 host against the core's */
static void check_host_ipv4(str *host)
{
	struct ip_addr *core;
	uint8_t ip4[4];

	if(!tp_urihost_ipv4(host->s, (size_t)host->len, ip4))
		return;
	core = str2ipx(host);
	if(core == NULL || core->af != AF_INET || memcmp(core->u.addr, ip4, 4) != 0)
		__builtin_trap();
}

static void check_addr(str *uri, const tp_addr_t *a)
{
	struct sip_uri u;
	tp_addr_t back;
	char text[64];
	unsigned char ip[16];
	unsigned short port;
	int af;

	if((a->af != 4 && a->af != 6) || a->port == 0)
		__builtin_trap();
	tp_addr_str(a, text, sizeof(text));
	if(tp_addr_parse(text, strlen(text), &back) < 0 || !tp_addr_eq(a, &back))
		__builtin_trap();
	if(parse_uri(uri->s, uri->len, &u) < 0)
		__builtin_trap(); /* it parsed a moment ago */
	check_host_ipv4(&u.host);
	af = libc_ip(&u, ip);
	if(af != 0 && (af != a->af || memcmp(ip, a->ip, af == 6 ? 16 : 4) != 0))
		__builtin_trap();
	/* no port, or port 0 (which the core's forwarding also reads as none):
	 * the transport's default */
	port = u.port_no;
	if(port == 0)
		port = (u.type == SIPS_URI_T || u.proto == PROTO_TLS) ? 5061 : 5060;
	if(a->port != port)
		__builtin_trap();
}

/* the core's reading alone (parse_uri, str2ipx), as the oracle: the
 * module's tp_uri_addr_core() reads canonical IPv4 hosts itself */
static int core_addr(str *uri, tp_addr_t *a, int *proto)
{
	struct sip_uri u;
	struct ip_addr *ip;

	if(parse_uri(uri->s, uri->len, &u) < 0 || (ip = str2ipx(&u.host)) == NULL)
		return -1;
	tp_addr_from_ip(a, ip, u.port_no);
	if(a->port == 0)
		a->port = (u.type == SIPS_URI_T || u.proto == PROTO_TLS) ? 5061 : 5060;
	*proto = u.type == SIPS_URI_T ? PROTO_TLS : u.proto;
	return 0;
}

/* the fast reader of plain URIs against the core's parser */
static void check_plain(str *uri)
{
	static const int protos[] = {[TP_TR_NONE] = PROTO_NONE,
			[TP_TR_UDP] = PROTO_UDP, [TP_TR_TCP] = PROTO_TCP,
			[TP_TR_TLS] = PROTO_TLS};
	tp_addr_t fast, core;
	tp_uri_tr_t tr;
	int proto;

	if(!tp_urihost_plain(uri->s, (size_t)uri->len, &fast, &tr))
		return;
	if(core_addr(uri, &core, &proto) < 0 || !tp_addr_eq(&fast, &core)
			|| protos[tr] != proto)
		__builtin_trap();
}

static void on_contact(contact_t *c, const tp_addr_t *a, void *arg)
{
	seen_t *s = arg;

	if(c->uri.s < s->start || c->uri.s + c->uri.len > s->end)
		__builtin_trap();
	check_addr(&c->uri, a);
	s->n++;
	if(getenv("FUZZ_PRINT")) {
		char text[64];
		printf("contact %d: [%.*s] -> %s\n", s->n, c->uri.len, c->uri.s,
				tp_addr_str(a, text, sizeof(text)));
	}
}

/* the Contacts the core parsed whose host it reads as an IP */
static int ip_contacts(struct hdr_field *h)
{
	contact_body_t *body = h->parsed;
	struct sip_uri u;
	contact_t *c;
	int n = 0;

	if(body == NULL || body->star)
		return 0;
	for(c = body->contacts; c; c = c->next)
		n += parse_uri(c->uri.s, c->uri.len, &u) == 0
			 && str2ipx(&u.host) != NULL;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_field h;
	seen_t seen;
	tp_addr_t a;
	char *buf;
	str uri;

	/* in a message the body is followed by CRLF and more; the core's
	 * message buffer ends with a NUL */
	if((buf = malloc(size + 3)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memcpy(buf + size, "\r\n", 3);

	memset(&h, 0, sizeof(h));
	h.type = HDR_CONTACT_T;
	h.name.s = "Contact";
	h.name.len = 7;
	h.body.s = buf;
	h.body.len = (int)size;
	seen.start = buf;
	seen.end = buf + size;
	seen.n = 0;
	tp_contact_each(&h, on_contact, &seen);
	if(seen.n != ip_contacts(&h))
		__builtin_trap(); /* a Contact with an IP left out, or one too many */
	if(h.parsed)
		free_contact((contact_body_t **)&h.parsed);

	uri.s = buf;
	uri.len = (int)size;
	if(tp_uri_addr(&uri, &a, NULL) == 0)
		check_addr(&uri, &a);
	check_plain(&uri);
	free(buf);
	return 0;
}

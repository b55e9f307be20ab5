/*
 * tcp_persona - UE addresses out of SIP: URIs and Contact headers
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Where the module learns a UE's address from what the UE wrote: the
 * Contacts of its REGISTER (bindings) and the next hop of a request. The
 * reading is the core's (parse_contact, parse_uri, str2ipx), so that an
 * address is the one tm connects to; this file turns it into tp_addr_t. A
 * plain URI is read without the core's parser (tp_urihost.h), alike. It is
 * fuzzed with the core's parsers linked in (test/fuzz/fuzz_contact.c).
 */

#ifndef TP_SIPADDR_H
#define TP_SIPADDR_H

#include "core/ip_addr.h"
#include "core/str.h"
#include "core/parser/contact/contact.h"
#include "core/parser/hf.h"
#include "core/parser/msg_parser.h"

#include "tp_addr.h"

void tp_addr_from_ip(
		tp_addr_t *a, const struct ip_addr *ip, unsigned short port);
void tp_ip_from_addr(struct ip_addr *ip, const tp_addr_t *a);

/*!
 * host:port of a SIP URI whose host is an IP, as the core reads it (no
 * port: 5060, or 5061 for sips: and transport=tls). \param proto if not
 * NULL, the URI's transport (PROTO_NONE when it names none). \return 0, or
 * -1 (not a URI, or the host is a name)
 */
int tp_uri_addr(str *uri, tp_addr_t *a, int *proto);

/*! tp_uri_addr() by the core's parser alone (a plain URI is otherwise
 * read by tp_urihost_plain(); the fuzzer compares the two) */
int tp_uri_addr_core(str *uri, tp_addr_t *a, int *proto);

/*! the same for hop, a next hop of msg (GET_NEXT_HOP(), a branch's URI):
 * the R-URI's is the core's parse of it, done once per message */
int tp_hop_addr(sip_msg_t *msg, str *hop, tp_addr_t *a, int *proto);

/*! host (an IPv4 or IPv6 address, brackets or not) and port;
 * \return 0, or -1 (a name, or no address) */
int tp_host_addr(const str *host, unsigned short port, tp_addr_t *a);

/*! what tp_contact_each() gives for each Contact with an IP host */
typedef void (*tp_contact_f)(contact_t *c, const tp_addr_t *a, void *arg);

/*!
 * Parses the Contact header h (the core keeps the result in h->parsed,
 * freed with the message) and calls f for each Contact whose host is an
 * IP, in the core's order (a header's Contacts last to first). \return 1 for
 * "Contact: *", 0, or -1 when h does not parse
 */
int tp_contact_each(struct hdr_field *h, tp_contact_f f, void *arg);

/*! the host:port of a request's (first) Contact, if an IP; \return 0 or -1 */
int tp_msg_contact_addr(sip_msg_t *msg, tp_addr_t *a);

/*! \return 1 with *secs set when the Contact has a numeric expires
 * parameter, else 0 */
int tp_contact_expires_param(const contact_t *c, unsigned int *secs);

#endif /* TP_SIPADDR_H */

/*
 * tcp_persona - the address of a plain SIP URI, read fast
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE: host:port and transport of the URIs a P-CSCF sends most requests
 * to (a UE's registered Contact: "sip:user@10.1.2.3:5064;transport=tcp"),
 * without the core's full parse_uri(). Only plain forms are read: an IPv4
 * host in canonical dotted form, a plain user, simple parameters. Anything
 * else is left to the core's parser, so an address this reader gives is
 * always the one the core reads (fuzzed against it: test/fuzz/fuzz_contact.c).
 */

#ifndef TP_URIHOST_H
#define TP_URIHOST_H

#include <stddef.h>
#include <stdint.h>

#include "tp_addr.h"

typedef enum tp_uri_tr
{
	TP_TR_NONE = 0, /*!< the URI names no transport */
	TP_TR_UDP,
	TP_TR_TCP,
	TP_TR_TLS
} tp_uri_tr_t;

/*!
 * Reads "sip:[user@]a.b.c.d[:port][;params]". No port: 5060, or 5061 with
 * transport=tls (as the core's forwarding reads it). \return 1 with *a and
 * *tr set, or 0: not a plain URI, ask the core
 */
int tp_urihost_plain(const char *s, size_t len, tp_addr_t *a, tp_uri_tr_t *tr);

/*!
 * \return 1 with ip set when s (len bytes) is all of an IPv4 address in
 * canonical dotted form (which the core's str2ipx reads alike), else 0:
 * ask the core
 */
int tp_urihost_ipv4(const char *s, size_t len, uint8_t ip[4]);

#endif /* TP_URIHOST_H */

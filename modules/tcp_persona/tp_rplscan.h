/*
 * tcp_persona - the Contact and Expires headers of the proxy's own 2xx
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * When the proxy answers a REGISTER itself (save() and sl), the module
 * learns what the registrar granted from the reply's text. Parsing it
 * whole (parse_msg, every header) cost about 20,000 instructions per
 * REGISTER; this scan finds the two headers the module reads and leaves
 * their bodies to the core's parsers. Text it does not expect (folded
 * lines, many Contact headers) is left to the whole parse.
 */

#ifndef TP_RPLSCAN_H
#define TP_RPLSCAN_H

#include "core/parser/hf.h"
#include "core/parser/msg_parser.h"

#define TP_RPL_CONTACT_HDRS 16

typedef struct tp_rpl_hdrs
{
	struct hdr_field contact[TP_RPL_CONTACT_HDRS];
	struct hdr_field expires;
} tp_rpl_hdrs_t;

/*!
 * Scans the reply text buf (len bytes, NUL after them) and sets up rpl
 * (zeroed by the caller) as parse_headers() would for what the module
 * reads: rpl->contact (the next Contact headers by next) and rpl->expires,
 * their headers
 * in h. \return 0, or -1: parse the text whole instead
 */
int tp_rpl_scan(char *buf, int len, sip_msg_t *rpl, tp_rpl_hdrs_t *h);

/*! frees what the core's parsers left on the headers of h */
void tp_rpl_scan_free(sip_msg_t *rpl);

#endif /* TP_RPLSCAN_H */

/*
 * tcp_persona - persona discovery: what each phone family does on MO
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * Watches the dialogs bound UEs start (persona_enforce() calls in) and
 * counts, per User-Agent family, which connection each came on
 * (tp_moconn.h), and how INVITEs sent to bound UEs ended (a sample); the
 * counts (tp_observe.h) feed tcp_persona.profile and its suggestions
 * (tp_suggest.h). A family seen for the first time raises
 * event_route[tcp_persona:new-family], at most TP_DISCOVER_EVENTS_MIN
 * times a minute.
 */
#ifndef TP_DISCOVER_H
#define TP_DISCOVER_H

#include "core/parser/msg_parser.h"

#include "tp_bind.h"
#include "tp_observe.h"

/*! modparam discover_families: families kept, 0 turns discovery off */
extern int tp_discover_families;
/*! modparam discover_mt_sample: one MT INVITE in this many (per process)
 * has its outcome counted, 0: none */
extern int tp_discover_mt_sample;

#define TP_DISCOVER_EVENTS_MIN 10

/*! in mod_init; \return 0 or -1 */
int tp_discover_init(void);

/*! the store, NULL when discovery is off */
tp_observe_t *tp_discover_store(void);

/*! a dialog-creating request without To tag from the bound UE b */
void tp_discover_initial(sip_msg_t *msg, const tp_binding_t *b);

/*! a request within a dialog (an ACK, a CANCEL too), from anyone */
void tp_discover_indialog(sip_msg_t *msg);

/*! an initial INVITE from the request route with a branch to a bound UE:
 * when sampled, the outcome of each branch to a bound UE is counted when
 * the final reply goes upstream (answered or not, on the UE's
 * registration connection or another) */
void tp_discover_mt(sip_msg_t *msg);

/*! connection conn closed (in tcp_main: shared memory only), by the
 * phone (FIN or RST) or, by_phone 0, by the proxy for idleness */
void tp_discover_closed(int conn, int by_phone);

#endif /* TP_DISCOVER_H */

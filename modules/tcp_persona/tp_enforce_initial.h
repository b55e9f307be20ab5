/*
 * tcp_persona - persona_enforce() for initial requests: every branch
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * An initial request (no To tag) may fork: lookup() puts every contact of
 * the AoR in the branch set. persona_enforce() looks at all of them: a
 * branch to a reuse UE whose registration connection is gone is dropped
 * (all of them gone: -2, the script answers), and the transaction is
 * armed so that each branch, when tm builds it, gets the persona of the
 * UE it goes to (tp_leg.h). Shared helpers of persona_enforce() too.
 */

#ifndef TP_ENFORCE_INITIAL_H
#define TP_ENFORCE_INITIAL_H

#include "core/parser/msg_parser.h"

#include "tp_bind.h"

/*! \return one of TP_ENF_*; TP_ENF_NOTHING when no branch goes to a UE of
 * the module */
int tp_enforce_initial(sip_msg_t *msg);

/* helpers shared by tp_enforce.c and tp_enforce_initial.c */

/*! the request's Call-ID, "-" when it has none */
str tp_enf_callid(sip_msg_t *msg);
/*! a UE whose rule is observe-only is handled as none: b->mode becomes
 * none (the binding keeps the rule's); count: one more observe_requests */
void tp_enf_observed(tp_binding_t *b, int count);
/*! the UE bound at a TCP/TLS URI's address, observe-only rules applied
 * as none; \return 1 and *b, or -1 */
int tp_enf_uri_hop(sip_msg_t *msg, str *uri, tp_addr_t *a, tp_binding_t *b);
/*! as tp_conn_alive_to() toward hop's host */
int tp_enf_pinnable(int id, const tp_addr_t *hop);
/*! \return non-zero for INVITE, SUBSCRIBE, REFER */
int tp_enf_dialog_creating(sip_msg_t *msg);
/*! logs, counts and raises the event of a reuse UE that cannot be reached */
void tp_enf_reuse_gone(sip_msg_t *msg, const tp_binding_t *b);
/*! logs a reuse UE whose connection goes to another host than hop */
void tp_enf_reuse_elsewhere(
		sip_msg_t *msg, const tp_binding_t *b, const tp_addr_t *hop);

#endif /* TP_ENFORCE_INITIAL_H */

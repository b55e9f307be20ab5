/*
 * tcp_persona - how an armed request's branches reach tm's sends
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * tm builds every branch of a relay first and sends them after, and it
 * takes each branch's connection id and send flags from the request:
 * the flags (fwd_send_flags) when it starts building the branch, the id
 * (otcpid with FL_USE_OTCPID) when it has built it. So the module sets a
 * branch's flags before tm builds it (when the request is armed for the
 * first branch, and when the branch before it is built for the others),
 * its id while tm builds it, and gives the script its own values back at
 * the end of the route. No per-send hook: the core copies every outgoing
 * buffer for anyone hooked on its sends (SREV_NET_DATA_OUT).
 */

#ifndef TP_SEND_H
#define TP_SEND_H

#include "core/parser/msg_parser.h"

#include "tp_leg.h"

/*! msg is armed and tm will build the branch first next (NULL: a stock
 * one): keeps the script's values (the send flags: base, when given),
 * sets first's send flags */
void tp_send_begin(
		sip_msg_t *msg, const tp_leg_t *first, const snd_flags_t *base);

/*! tm is building the branch of leg built (NULL: stock) and then the one
 * of leg next (NULL: stock or none) */
void tp_send_built(sip_msg_t *msg, const tp_leg_t *built, const tp_leg_t *next);

/*! the route is over: msg gets the script's values back */
void tp_send_end(sip_msg_t *msg);

#endif /* TP_SEND_H */

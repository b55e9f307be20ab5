/*
 * tcp_persona - persona_bind() and persona_enforce()
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * persona_enforce() finds the UE of a request and arms its persona's TCP
 * policy for the request, its transaction and its dialog (persona_bind()
 * lives in tp_register.c).
 */

#ifndef TP_ENFORCE_H
#define TP_ENFORCE_H

#include "core/parser/msg_parser.h"

/*! persona_enforce() results, as the script sees them */
#define TP_ENF_APPLIED 1
#define TP_ENF_NOTHING 2
#define TP_ENF_REUSE_GONE -2
#define TP_ENF_ERROR -3

/*! \return one of TP_ENF_* */
int tp_persona_enforce(sip_msg_t *msg);

#endif /* TP_ENFORCE_H */

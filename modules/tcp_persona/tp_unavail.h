/*
 * tcp_persona - the module's own answer to a request it refused
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * With unavailable_reply_code set, persona_enforce() answers a request it
 * refused (a reuse UE without its registration connection) itself and
 * returns 0, which ends the route: the script needs no test of $rc on the
 * path every request takes. Unset, it returns -2 and the script answers.
 */

#ifndef TP_UNAVAIL_H
#define TP_UNAVAIL_H

#include "core/parser/msg_parser.h"
#include "core/str.h"

/*! modparams: 0 (off) or the reply's code; its reason phrase */
extern int tp_unavail_code;
extern str tp_unavail_reason;

/*! checks the modparams and binds the sl API when a code is set
 * \return 0, or -1 (logged): startup stops */
int tp_unavail_init(void);

/*!
 * \param r persona_enforce()'s result for msg
 * \return r, or 0 when r was a refusal in request_route or failure_route:
 * answered, or dropped (an ACK, a request marked not to be answered, a
 * reply that could not be sent)
 */
int tp_unavail_answer(sip_msg_t *msg, int r);

#endif

/*
 * tcp_persona - the $persona(...) pseudo-variable
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * $persona(name) and $persona(mode): the persona found for the SIP message
 * being processed. The value belongs to that message (its id and pid): for
 * any other message both read as $null until a persona function runs.
 */

#ifndef TP_PV_H
#define TP_PV_H

#include "core/parser/msg_parser.h"
#include "core/pvar.h"

#include "tp_rules.h"

/*! records the persona for msg; name NULL or "" when no rule matched */
void tp_pv_set(sip_msg_t *msg, const char *name, tp_mode_t mode);
/*! the same for a binding's rule, a whole padded array (tp_binding_t) */
void tp_pv_set_rule(
		sip_msg_t *msg, const char rule[TP_NAME_MAX + 1], tp_mode_t mode);

int tp_pv_parse_name(pv_spec_t *sp, str *in);
int tp_pv_get(sip_msg_t *msg, pv_param_t *param, pv_value_t *res);

#endif /* TP_PV_H */

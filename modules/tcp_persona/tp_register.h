/*
 * tcp_persona - bindings from accepted registrations only
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * persona_bind() reads a REGISTER (persona, AoR, source, connection, the
 * Contacts it asks for) but changes no binding: it waits for the REGISTER's
 * final answer. Only a 2xx binds, refreshes or unbinds, with the expiry the
 * 2xx grants; a 401/403/4xx/5xx/6xx or no answer changes nothing. The
 * answer is seen where it leaves the proxy: tm's TMCB_RESPONSE_OUT (a
 * relayed answer from a registrar upstream, or the proxy's own stateful
 * reply) or sl's SLCB_REPLY_READY (save() answering statelessly).
 */

#ifndef TP_REGISTER_H
#define TP_REGISTER_H

#include "core/parser/msg_parser.h"

#include "tp_addr.h"

/*! default of modparam max_bindings */
#define TP_MAX_BINDINGS_DEFAULT 100000
/*! modparam max_bindings: UEs bound at most, the binding table's size
 * unless hash_size sets it (0: no limit but the table's) */
extern int tp_max_bindings;

/*! Contacts of one REGISTER the module follows (more are not bound) */
#define TP_REG_CONTACTS_MAX 8

/*! binds the sl and tm APIs; \return 0, or -1 with the reason logged */
int tp_register_init(void);

/*! \return 1 armed (the 2xx binds), -1 not a usable REGISTER, -3 internal
 * error, -4 not armed: no room (max_bindings, shared memory) */
int tp_persona_bind(sip_msg_t *msg);

/*! why a new UE cannot be bound now (max_bindings, shared memory), or
 * NULL when it can */
const char *tp_no_room(void);
/*! counts (and logs, at most once per 10 s) a UE left unbound */
void tp_refused(const char *why, const tp_addr_t *ue, const char *aor);

#endif /* TP_REGISTER_H */

/*
 * tcp_persona - tm and dialog callbacks that carry a policy through
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * persona_enforce() decides, for one request, what its transaction has to
 * do with connections (an "arm"); these callbacks carry it out when tm
 * creates the transaction, sends the request, receives the final answer
 * and destroys the transaction, and when the dialog module times a dialog
 * out. They also own the shared tables and the sweep timer.
 */

#ifndef TP_HOOKS_H
#define TP_HOOKS_H

#include "core/parser/msg_parser.h"
#include "modules/tm/tm_load.h"
#include "modules/dialog/dlg_load.h"

#include "tp_bind.h"
#include "tp_track.h"

/*! what a transaction does with connections */
typedef enum tp_arm_kind
{
	TP_ARM_NONE = 0,
	TP_ARM_NEW_DIALOG, /*!< new proxy connection, then the dialog's */
	TP_ARM_NEW_TX,	   /*!< new proxy connection, closed after the tx */
	TP_ARM_END_DIALOG, /*!< a BYE: on its final answer the dialog ends */
} tp_arm_kind_t;

typedef struct tp_arm
{
	tp_arm_kind_t kind;
	tp_mode_t mode;
	tp_addr_t ue; /*!< contact of the UE */
	int is_invite;
} tp_arm_t;

extern tp_bind_table_t *tp_bindings;
extern tp_track_t *tp_calls;
extern struct tm_binds tp_tmb;

/*! longest a dialog is remembered without an end (backstop) */
#define TP_CALL_MAX_SECS (12 * 3600)

/*! loads tm and dialog, creates the tables, registers the callbacks and
 * the timer; \return 0, or -1 with the reason logged */
int tp_hooks_init(void);

/*! remembers a for msg: tm's callbacks pick it up for its transaction */
void tp_hooks_arm(sip_msg_t *msg, const tp_arm_t *a);

/*! makes the dialog module track msg's dialog, so that its timeout ends
 * ours; \return 1, or -1 */
int tp_hooks_track_dialog(sip_msg_t *msg);

/*! ends the call with this Call-ID: forgets it and closes the connection
 * the proxy opened for it */
void tp_call_end(const str *callid);

#endif /* TP_HOOKS_H */

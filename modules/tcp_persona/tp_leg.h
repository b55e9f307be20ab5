/*
 * tcp_persona - what one branch of a request does with connections
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * A "leg" is one branch of a transaction the module follows: the UE it
 * goes to (found by persona_enforce(), matched when tm builds the branch)
 * and what the persona of that UE wants for it. Nothing one leg pins or
 * opens applies to another.
 */

#ifndef TP_LEG_H
#define TP_LEG_H

#include <stdint.h>

#include "core/ip_addr.h"
#include "core/parser/msg_parser.h"

#include "tp_hooks.h"

typedef enum tp_leg_kind
{
	TP_LEG_STOCK = 0,  /*!< not the module's: the core sends it as always */
	TP_LEG_PIN,		   /*!< on pin_id or nowhere (reuse) */
	TP_LEG_NEW_DIALOG, /*!< a new connection, then the dialog's */
	TP_LEG_NEW_TX,	   /*!< a new connection for this transaction only */
} tp_leg_kind_t;

/* state bits */
#define TP_LEG_SENT 1	  /*!< the send happened (and was claimed) */
#define TP_LEG_FINAL 2	  /*!< its final answer came */
#define TP_LEG_DECIDED 4 /*!< tm built the branch; the leg is set */

typedef struct tp_leg
{
	tp_leg_kind_t kind;
	tp_mode_t mode;
	tp_addr_t ue;  /*!< the UE's contact (binding key) */
	tp_addr_t hop; /*!< where the branch is sent */
	uint64_t hop_hash; /*!< BRANCHES: the next hop's URI, hashed ... */
	int hop_len;	   /*!< ... and its length (tp_leg_hop_is) */
	int reg_conn_id; /*!< the UE's own connection: never claimed */
	int pin_id;		 /*!< PIN: the connection */
	int reopen;		 /*!< NEW_DIALOG: a dialog's replacement connection */
	int conn_id;	 /*!< NEW_*: the connection claimed, 0 until then */
	int final_code;	 /*!< first final answer, 0 until then */
	int state;		 /*!< TP_LEG_* bits, atomic */
} tp_leg_t;

/*!
 * The leg of a branch routed to hop_uri, for an arm of kind BRANCHES, as
 * persona_enforce() found it: b the UE bound at hop (NULL: none there, or
 * not over TCP or TLS; then stock, as for persona none), pin_alive what
 * tp_enf_pinnable() said of a reuse UE's connection.
 */
void tp_leg_of(tp_leg_t *l, int dialog_creating, const str *hop_uri,
		const tp_addr_t *hop, const tp_binding_t *b, int pin_alive);

/*! the leg an arm for one destination (NEW_DIALOG, NEW_TX) gives */
void tp_leg_from_arm(tp_leg_t *l, const tp_arm_t *a);

/*! the send flags of the leg's branch: added to flags f the script set */
void tp_leg_send_flags(const tp_leg_t *l, snd_flags_t *f);

/*! the connection id the leg's branch is sent with (a pin, or the
 * new-connection marker), or 0: the script's */
int tp_leg_send_id(const tp_leg_t *l);

/*! right after the leg's send: the new connection it opened, claimed;
 * \return its id, or 0 */
int tp_leg_claim(tp_leg_t *l, struct dest_info *dst, const str *cid);

/*! \return 1 when hop_uri (a branch's next hop) is the one the leg was
 * decided for (the same URI text: no second parse) */
int tp_leg_hop_is(const tp_leg_t *l, str *hop_uri);

#endif /* TP_LEG_H */

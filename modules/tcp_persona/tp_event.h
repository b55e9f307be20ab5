/*
 * tcp_persona - event routes and the KEMI event callback
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * event_route[tcp_persona:reuse-unavailable] and
 * event_route[tcp_persona:unmatched], or the KEMI function named by the
 * event_callback parameter. An event is queued while the routing script
 * runs and fired right after it (post-script callback), so the event route
 * never runs nested inside the script or a KEMI function that raised it.
 */

#ifndef TP_EVENT_H
#define TP_EVENT_H

#include "core/parser/msg_parser.h"
#include "core/str.h"

#include "tp_bind.h"
#include "tp_family.h"

typedef enum tp_event_kind
{
	TP_EV_REUSE_UNAVAILABLE = 0,
	TP_EV_UNMATCHED,
	TP_EV_NEW_FAMILY,
	TP_EV_COUNT
} tp_event_kind_t;

/*! what $persona(...) shows inside an event route */
typedef struct tp_event_data
{
	char ue[64];	 /*!< the UE's address, "ip:port" */
	char source[64]; /*!< where its REGISTER came from */
	char aor[TP_AOR_MAX + 1];
	char ua[TP_BIND_UA_SHOW + 1];
	char rule[TP_NAME_MAX + 1];
	tp_mode_t mode;
	char family[TP_FAMILY_MAX + 1]; /*!< new-family only */
} tp_event_data_t;

/*! KEMI function name (modparam event_callback) */
extern str tp_event_callback;
/*! seconds between two unmatched events of one User-Agent */
extern int tp_unmatched_interval;

/*! finds the event routes, checks the callback; \return 0 or -1 */
int tp_event_init(void);

/*! 1 when an event route or the event callback takes events of kind k */
int tp_event_wanted(tp_event_kind_t k);

/*! the binding of a reuse UE that could not be reached by msg, with its
 * AoR and User-Agent (a request's lookup leaves them out) */
void tp_event_reuse_unavailable(sip_msg_t *msg, const tp_binding_t *b,
		const char *aor, const char *ua);

/*! a REGISTER whose User-Agent matched no rule; ue: its first contact */
void tp_event_unmatched(sip_msg_t *msg, const tp_binding_t *b,
		const tp_addr_t *ue, const str *ua);

/*! a User-Agent family seen for the first time, from the UE at src: the
 * rule that matches ua now (if any) goes with it */
void tp_event_new_family(sip_msg_t *msg, const char *family, const str *ua,
		const tp_addr_t *src);

/*! the data of the event whose route runs now, else NULL */
const tp_event_data_t *tp_event_current(void);

#endif /* TP_EVENT_H */

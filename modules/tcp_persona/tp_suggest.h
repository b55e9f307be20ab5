/*
 * tcp_persona - a persona suggested by what a phone was seen to do
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: persona discovery's rule. A phone's own originating traffic shows
 * how it wants TCP used: it opens a connection per dialog (dialog), one
 * per transaction (transaction), or sends everything on one connection,
 * its registration's (reuse). The suggestion mirrors what it does most,
 * then weighs the terminating requests: a way of sending to it that
 * fails often is not suggested when the other works.
 */
#ifndef TP_SUGGEST_H
#define TP_SUGGEST_H

#include <stdint.h>

#include "tp_rules.h"

/* what was seen of one family (counts) */
typedef enum tp_obs_event {
	/* a dialog or out-of-dialog transaction the phone started, by the
	 * connection it came on */
	TP_OBS_MO_ON_REG = 0,	 /* its registration connection */
	TP_OBS_MO_ON_REUSED,	 /* another connection it used before */
	TP_OBS_MO_NEW_DIALOG,	 /* a new one, kept for the dialog */
	TP_OBS_MO_NEW_TX,		 /* a new one for each transaction */
	/* a request sent to the phone, by how, and how it ended */
	TP_OBS_MT_REG_OK,		 /* on the registration connection: answered */
	TP_OBS_MT_REG_FAIL,		 /* ... 408, reset, refused */
	TP_OBS_MT_NEW_OK,		 /* on a connection the proxy opened */
	TP_OBS_MT_NEW_FAIL,
	/* a connection the phone opened for its own dialogs, closed: by the
	 * phone right after a transaction, right after its dialog's end (a
	 * BYE), or after it idled; or by the proxy, idle (shown, not used by
	 * the suggestion) */
	TP_OBS_CLOSE_PHONE_TX,
	TP_OBS_CLOSE_PHONE_DIALOG,
	TP_OBS_CLOSE_PHONE_IDLE,
	TP_OBS_CLOSE_PROXY_IDLE,
	TP_OBS_EVENTS
} tp_obs_event_t;

typedef struct tp_observed
{
	uint32_t n[TP_OBS_EVENTS];
} tp_observed_t;

/* evidence: fewer originating dialogs than this suggest nothing; this
 * many or more give full weight */
#define TP_SUGGEST_MIN 10
#define TP_SUGGEST_FULL 50
/* a way of sending that fails this often (percent, of 5 or more) */
#define TP_SUGGEST_MT_BAD 20

typedef struct tp_suggestion
{
	int suggested;			/*!< 0: not enough evidence */
	tp_mode_t mode;
	unsigned int confidence; /*!< percent */
	const char *why;		 /*!< a short reason, for the RPC */
} tp_suggestion_t;

void tp_suggest(const tp_observed_t *o, tp_suggestion_t *out);

#endif /* TP_SUGGEST_H */

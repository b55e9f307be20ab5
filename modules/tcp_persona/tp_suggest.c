/*
 * tcp_persona - a persona suggested by what a phone was seen to do
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tp_suggest.h"

/* 1 when sends of one way (ok, fail) fail too often to suggest it */
static int tp_mt_bad(uint32_t ok, uint32_t fail)
{
	uint64_t all = (uint64_t)ok + fail;

	return all >= 5 && (uint64_t)fail * 100 >= all * TP_SUGGEST_MT_BAD;
}

void tp_suggest(const tp_observed_t *o, tp_suggestion_t *out)
{
	const uint32_t *n = o->n;
	uint64_t one = (uint64_t)n[TP_OBS_MO_ON_REG] + n[TP_OBS_MO_ON_REUSED];
	uint64_t dlg = n[TP_OBS_MO_NEW_DIALOG], tx = n[TP_OBS_MO_NEW_TX];
	uint64_t all = one + dlg + tx, top;
	int reg_bad = tp_mt_bad(n[TP_OBS_MT_REG_OK], n[TP_OBS_MT_REG_FAIL]);
	int new_bad = tp_mt_bad(n[TP_OBS_MT_NEW_OK], n[TP_OBS_MT_NEW_FAIL]);

	out->suggested = 0;
	out->mode = TP_MODE_NONE;
	out->confidence = 0;
	if(all < TP_SUGGEST_MIN) {
		out->why = "not enough originating traffic seen";
		return;
	}
	out->suggested = 1;
	if(one >= dlg && one >= tx) {
		out->mode = TP_MODE_REUSE, top = one;
		out->why = "it sends everything on one connection";
	} else if(dlg >= tx) {
		out->mode = TP_MODE_DIALOG, top = dlg;
		out->why = "it opens a connection per dialog";
	} else {
		out->mode = TP_MODE_TRANSACTION, top = tx;
		out->why = "it opens a connection per transaction";
	}
	/* terminating requests: a way that fails, when the other works */
	if(out->mode == TP_MODE_REUSE && reg_bad && !new_bad) {
		out->mode = dlg >= tx ? TP_MODE_DIALOG : TP_MODE_TRANSACTION;
		top = dlg >= tx ? dlg : tx;
		out->why = "it sends on one connection, but requests sent to it"
				   " there fail";
	} else if(out->mode != TP_MODE_REUSE && new_bad && !reg_bad) {
		out->mode = TP_MODE_REUSE, top = one;
		out->why = "it opens connections, but requests sent to it on new"
				   " ones fail";
	}
	out->confidence = (unsigned int)(top * 100 / all);
	if(all < TP_SUGGEST_FULL)
		out->confidence = (unsigned int)(out->confidence * all / TP_SUGGEST_FULL);
	if(reg_bad && new_bad) { /* neither way works well: say so */
		out->confidence /= 2;
		out->why = "requests sent to it fail on every kind of connection";
	}
}

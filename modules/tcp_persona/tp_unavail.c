/*
 * tcp_persona - the module's own answer to a request it refused
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"
#include "core/route.h"
#include "modules/sl/sl.h"

#include "tp_enforce.h"
#include "tp_enforce_initial.h"
#include "tp_unavail.h"

/* longer would not say more, and a reason is copied into every reply */
#define TP_UNAVAIL_REASON_MAX 128

int tp_unavail_code = 0;
str tp_unavail_reason = str_init("Temporarily Unavailable");

static sl_api_t tp_unavail_sl;

static int tp_unavail_reason_ok(const str *r)
{
	int i;

	if(r->s == NULL || r->len <= 0 || r->len > TP_UNAVAIL_REASON_MAX)
		return 0;
	for(i = 0; i < r->len; i++)
		if(r->s[i] == '\r' || r->s[i] == '\n' || r->s[i] == '\0')
			return 0;
	return 1;
}

int tp_unavail_init(void)
{
	if(!tp_unavail_reason_ok(&tp_unavail_reason)) {
		LM_ERR("invalid \"unavailable_reply_reason\": it must be 1 to %d"
			   " characters on one line\n",
				TP_UNAVAIL_REASON_MAX);
		return -1;
	}
	if(tp_unavail_code == 0)
		return 0;
	/* not 3xx: a stateless 3xx carries the destination set as its
	 * Contact, which names the very UE refused */
	if(tp_unavail_code < 400 || tp_unavail_code > 699) {
		LM_ERR("invalid \"unavailable_reply_code\" value: %d, must be 0 (the"
			   " script answers -2) or 400 to 699\n",
				tp_unavail_code);
		return -1;
	}
	/* freply: through tm when the request has a transaction (failure
	 * route, or after t_newtran()), else stateless */
	if(sl_load_api(&tp_unavail_sl) < 0) {
		LM_ERR("unavailable_reply_code needs the sl module loaded\n");
		return -1;
	}
	return 0;
}

int tp_unavail_answer(sip_msg_t *msg, int r)
{
	/* KEMI does not check the route type; tm answers from these alone */
	if(r != TP_ENF_REUSE_GONE || tp_unavail_code == 0
			|| !is_route_type(REQUEST_ROUTE | FAILURE_ROUTE))
		return r;
	if(msg->REQ_METHOD == METHOD_ACK)
		return 0;
	/* 0 even when no answer went out: a script written for this
	 * parameter relays whatever is not 0, and that would open the very
	 * connection the module refused */
	if(msg->msg_flags & FL_MSG_NOREPLY)
		LM_INFO("refused request marked not to be answered (Call-ID [%.*s]):"
				" dropped\n",
				tp_enf_callid(msg).len, tp_enf_callid(msg).s);
	else if(tp_unavail_sl.freply(msg, tp_unavail_code, &tp_unavail_reason)
			< 0)
		LM_ERR("cannot answer %d to a refused request (Call-ID [%.*s]):"
			   " dropped\n",
				tp_unavail_code, tp_enf_callid(msg).len,
				tp_enf_callid(msg).s);
	return 0;
}

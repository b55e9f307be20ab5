/*
 * tcp_persona - the dialog module's view of the calls it follows
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "core/dprint.h"
#include "core/sr_module.h"
#include "core/mem/shm_mem.h"

#include "tp_dlg.h"
#include "tp_dlg_api.h"
#include "tp_hooks.h"
#include "tp_mods.h"

static tp_dlg_api_t tp_dlgb;

/* per process: the message whose dialog dlg_manage() is creating for us */
static struct
{
	unsigned int msg_id;
	int msg_pid;
	unsigned int attempt;
	int watched; /* DLGCB_CREATED came for it */
} tp_want;

/* what a followed dialog carries to its callbacks, in shm */
typedef struct tp_dlg_call
{
	unsigned int attempt;
	str callid; /* points into buf */
	char buf[];
} tp_dlg_call_t;

static void tp_dlg_call_free(void *p)
{
	shm_free(p);
}

/* The dialog timed out, failed (a negative answer, a CANCEL) or is
 * destroyed: its attempt ends, on every UE it forked to. A dialog retried
 * with the same Call-ID (after a 401/407, 422, 491) is another attempt:
 * the end of the first one leaves the retry's connection alone. */
static void tp_on_dlg_end(
		struct dlg_cell *dlg, int type, struct dlg_cb_params *p)
{
	tp_dlg_call_t *dc = tp_dlgb.cb_param(p);

	LM_DBG("dialog [%.*s] attempt %u ends (event %d)\n", dc->callid.len,
			dc->callid.s, dc->attempt, type);
	tp_call_end_attempt(&dc->callid, dc->attempt);
}

static void tp_watch(
		struct dlg_cell *dlg, sip_msg_t *msg, unsigned int attempt)
{
	tp_dlg_call_t *dc;
	str cid;

	if(msg->callid == NULL)
		return;
	cid = msg->callid->body;
	if((dc = shm_mallocxz(sizeof(*dc) + cid.len)) == NULL)
		return;
	dc->attempt = attempt;
	dc->callid.s = dc->buf;
	dc->callid.len = cid.len;
	memcpy(dc->buf, cid.s, cid.len);
	if(tp_dlgb.register_cb(dlg,
			   tp_dlgb.expired | tp_dlgb.failed | tp_dlgb.destroyed,
			   tp_on_dlg_end, dc, tp_dlg_call_free)
			!= 0)
		shm_free(dc);
}

static void tp_on_dlg_created(
		struct dlg_cell *dlg, int type, struct dlg_cb_params *p)
{
	sip_msg_t *msg = tp_dlgb.cb_req(p);

	if(msg && msg->id == tp_want.msg_id && msg->pid == tp_want.msg_pid) {
		tp_watch(dlg, msg, tp_want.attempt);
		tp_want.watched = 1;
	}
}

int tp_dlg_follow(sip_msg_t *msg, unsigned int attempt)
{
	struct dlg_cell *dlg;
	int r;

	/* the dialog is created now, or when tm creates the transaction
	 * (dialog's initial_cbs_inscript 0, ims_dialog): DLGCB_CREATED
	 * watches it then */
	tp_want.msg_id = msg->id;
	tp_want.msg_pid = msg->pid;
	tp_want.attempt = attempt;
	tp_want.watched = 0;
	if((r = tp_dlgb.manage(msg)) < 0) {
		memset(&tp_want, 0, sizeof(tp_want));
		return -1; /* ims_dialog without the script's dlg_flag */
	}
	if(r > 0) {
		/* no DLGCB_CREATED: a spiral (the dialog module took the dialog
		 * of this Call-ID and From tag that exists: an MO leg through
		 * this proxy), else tm creates it later */
		if(tp_want.watched || (dlg = tp_dlgb.get(msg)) == NULL)
			return 1;
		memset(&tp_want, 0, sizeof(tp_want));
		tp_watch(dlg, msg, attempt);
		tp_dlgb.release(dlg);
		return 1;
	}
	/* the script had the dialog tracked before: the message's own */
	memset(&tp_want, 0, sizeof(tp_want));
	if((dlg = tp_dlgb.get(msg)) == NULL)
		return -1;
	tp_watch(dlg, msg, attempt);
	tp_dlgb.release(dlg);
	return 1;
}

int tp_dlg_init(void)
{
	/* one of them at most: they cannot be loaded together */
	if(module_loaded("dialog")) {
		if(tp_dlg_bind_dialog(&tp_dlgb) < 0)
			return -1;
	} else if(module_loaded("ims_dialog")) {
		if(tp_dlg_bind_ims(&tp_dlgb) < 0)
			return -1;
	} else {
		LM_ERR("tcp_persona needs a dialog module: loadmodule \"dialog.so\","
			   " or \"ims_dialog.so\" in an IMS P-CSCF\n");
		return -1;
	}
	if(!tp_mod_loaded_before(tp_dlgb.module)) {
		LM_ERR("load tcp_persona after %s\n", tp_dlgb.module);
		return -1;
	}
	if(tp_dlgb.register_cb(
			   NULL, tp_dlgb.created, tp_on_dlg_created, NULL, NULL)
			!= 0) {
		LM_ERR("cannot register the %s callback\n", tp_dlgb.module);
		return -1;
	}
	return 0;
}

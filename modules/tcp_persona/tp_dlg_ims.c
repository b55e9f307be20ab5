/*
 * tcp_persona - ims_dialog as tp_dlg_api.h sees it
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"
#include "core/flags.h"
#include "core/sr_module.h"
#include "modules/ims_dialog/dlg_load.h"

#include "tp_dlg_api.h"
#include "tp_hooks.h"

static ims_dlg_api_t tp_ims_dialog;
static int tp_ims_dlg_flag = -1; /* ims_dialog's "dlg_flag" */

/* ims_dialog has no dlg_manage(): it tracks the dialog of a request
 * that carries its dlg_flag when tm creates the transaction. The module
 * follows the dialogs the script has tracked and never sets the flag
 * itself: ims_dialog 5.6 crashes at shutdown when a tracked dialog's
 * transaction is still in tm's table (tm_shutdown runs its deletion
 * callback after ims_dialog freed its table), and a P-CSCF that tracks
 * no dialogs must not get that from tcp_persona. */
static int tp_ims_manage(sip_msg_t *msg)
{
	struct cell *t = tp_tmb.t_gett();

	if(!isflagset(msg, tp_ims_dlg_flag))
		return -1; /* not tracked: nothing to follow */
	return t != NULL && t != T_UNDEFINED ? 0 : 1;
}

static sip_msg_t *tp_ims_cb_req(struct dlg_cb_params *p)
{
	return p->req;
}

static void *tp_ims_cb_param(struct dlg_cb_params *p)
{
	return p->param ? *p->param : NULL;
}

int tp_dlg_bind_ims(tp_dlg_api_t *api)
{
	struct sr_module *m = find_module_by_name("ims_dialog");
	modparam_t type;
	int *flag;

	if(load_ims_dlg_api(&tp_ims_dialog) < 0) {
		LM_ERR("cannot bind the ims_dialog API\n");
		return -1;
	}
	flag = m ? find_param_export(m, "dlg_flag", PARAM_INT, &type) : NULL;
	if(flag == NULL || *flag < 0 || *flag > MAX_FLAG) {
		LM_ERR("ims_dialog has no dlg_flag: set modparam(\"ims_dialog\","
			   " \"dlg_flag\", N)\n");
		return -1;
	}
	tp_ims_dlg_flag = *flag;
	api->module = "ims_dialog";
	api->register_cb = tp_ims_dialog.register_dlgcb;
	api->get = tp_ims_dialog.get_dlg;
	api->release = tp_ims_dialog.release_dlg;
	api->manage = tp_ims_manage;
	api->cb_req = tp_ims_cb_req;
	api->cb_param = tp_ims_cb_param;
	api->created = DLGCB_CREATED;
	api->failed = DLGCB_FAILED;
	api->expired = DLGCB_EXPIRED;
	api->destroyed = DLGCB_DESTROY;
	return 0;
}

/*
 * tcp_persona - Kamailio's dialog module as tp_dlg_api.h sees it
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "core/dprint.h"
#include "core/sr_module.h"
#include "modules/dialog/dlg_load.h"

#include "tp_dlg_api.h"

static struct dlg_binds tp_dialog;
static cmd_function tp_dlg_manage_f; /* dialog's dlg_manage() */

/* dlg_manage() answers -1 when the message's dialog exists already */
static int tp_dialog_manage(sip_msg_t *msg)
{
	return tp_dlg_manage_f(msg, NULL, NULL) > 0 ? 1 : 0;
}

static sip_msg_t *tp_dialog_cb_req(struct dlg_cb_params *p)
{
	return p->req;
}

static void *tp_dialog_cb_param(struct dlg_cb_params *p)
{
	return p->param ? *p->param : NULL;
}

int tp_dlg_bind_dialog(tp_dlg_api_t *api)
{
	if(load_dlg_api(&tp_dialog) < 0) {
		LM_ERR("cannot bind the dialog API\n");
		return -1;
	}
	if((tp_dlg_manage_f = find_export("dlg_manage", 0, 0)) == NULL) {
		LM_ERR("the dialog module exports no dlg_manage()\n");
		return -1;
	}
	api->module = "dialog";
	api->register_cb = tp_dialog.register_dlgcb;
	api->get = tp_dialog.get_dlg;
	api->release = tp_dialog.release_dlg;
	api->manage = tp_dialog_manage;
	api->cb_req = tp_dialog_cb_req;
	api->cb_param = tp_dialog_cb_param;
	api->created = DLGCB_CREATED;
	api->failed = DLGCB_FAILED;
	api->expired = DLGCB_EXPIRED;
	api->destroyed = DLGCB_DESTROY;
	return 0;
}

/*
 * tcp_persona - the dialog module the calls are followed with
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * Kamailio's dialog module, or ims_dialog in an IMS P-CSCF: the two
 * cannot be loaded together (both register $DLG_* variables). Their
 * callback APIs have the same shape, but their headers cannot be included
 * in one file, so each is bound in a file of its own (tp_dlg_dialog.c,
 * tp_dlg_ims.c) and used through this table.
 */

#ifndef TP_DLG_API_H
#define TP_DLG_API_H

#include "core/parser/msg_parser.h"

struct dlg_cell;
struct dlg_cb_params;

typedef void(tp_dlg_cb_f)(
		struct dlg_cell *dlg, int type, struct dlg_cb_params *p);
typedef void(tp_dlg_free_f)(void *param);

typedef struct tp_dlg_api
{
	const char *module; /*!< "dialog" or "ims_dialog" */
	int (*register_cb)(struct dlg_cell *dlg, int types, tp_dlg_cb_f *f,
			void *param, tp_dlg_free_f *ff);
	struct dlg_cell *(*get)(sip_msg_t *msg); /*!< referenced, or NULL */
	void (*release)(struct dlg_cell *dlg);
	/*! has the module track msg's dialog: \return 1 when it is created now
	 * or when tm creates msg's transaction, 0 when the script had it
	 * tracked already (look it up), -1 when it is not tracked */
	int (*manage)(sip_msg_t *msg);
	sip_msg_t *(*cb_req)(struct dlg_cb_params *p);
	void *(*cb_param)(struct dlg_cb_params *p);
	int created, failed, expired, destroyed; /*!< the DLGCB_* bits */
} tp_dlg_api_t;

/*! binds Kamailio's dialog module; \return 0, or -1 logged */
int tp_dlg_bind_dialog(tp_dlg_api_t *api);

/*! binds ims_dialog; \return 0, or -1 logged */
int tp_dlg_bind_ims(tp_dlg_api_t *api);

#endif /* TP_DLG_API_H */

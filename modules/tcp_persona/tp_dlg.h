/*
 * tcp_persona - the dialog module's view of the calls it follows
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * For INVITE dialogs of persona dialog the module follows the dialog in
 * the dialog module (tp_dlg_api.h), so that its timeout, failure and
 * destruction end the module's call as well: with dialog it has it
 * tracked (dlg_manage() unless the script did), with ims_dialog it
 * follows the dialogs the script has tracked (its dlg_flag).
 */

#ifndef TP_DLG_H
#define TP_DLG_H

#include "core/parser/msg_parser.h"

#include "tp_bind.h"

/*! binds the loaded dialog module's API; \return 0, or -1 logged */
int tp_dlg_init(void);

/*! follows msg's dialog (one attempt of its Call-ID): its end ends that
 * attempt (tp_call_end_attempt()); \return 1, or -1 */
int tp_dlg_follow(sip_msg_t *msg, unsigned int attempt);

#endif /* TP_DLG_H */

/*
 * tcp_persona - which connection a phone's own dialogs come on
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE (through tp_sys.h): persona discovery's evidence of what a phone
 * does on MO. A dialog the phone starts comes on its registration
 * connection, on a connection that carried another of its dialogs before,
 * or on a fresh one; a fresh one is told apart by the dialog's next
 * request from the phone (the ACK, usually): on the same connection, the
 * phone keeps a connection per dialog; on another, it opens one per
 * transaction. Two small tables in shared memory, one slot per connection
 * id and per Call-ID, overwritten on collision: evidence may be lost, never
 * mixed up (slots keep their whole key).
 */
#ifndef TP_MOCONN_H
#define TP_MOCONN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tp_addr.h"
#include "tp_family.h"
#include "tp_suggest.h"

typedef struct tp_moconn tp_moconn_t;

/*! \return tables of 2^size_log2 slots each (4 to 20), or NULL */
tp_moconn_t *tp_moconn_create(unsigned int size_log2);
void tp_moconn_destroy(tp_moconn_t *m);

/*!
 * A dialog-creating request from the phone at ue (its IP counts), of
 * family, on connection conn (its registration's: reg_conn). \return the
 * event it shows (TP_OBS_MO_ON_REG, TP_OBS_MO_ON_REUSED), or -1 when the
 * connection is fresh (decided by the dialog's next request) or the
 * request is a retransmission
 */
int tp_moconn_initial(tp_moconn_t *m, const char *callid, size_t callid_len,
		const tp_addr_t *ue, const char *family, int conn, int reg_conn,
		time_t now);

/*!
 * A request within a dialog, from src on conn. If the dialog started on a
 * fresh connection of the phone at src's IP and is not decided yet:
 * \return TP_OBS_MO_NEW_DIALOG (same connection) or TP_OBS_MO_NEW_TX
 * (another), with the dialog's family in family (TP_FAMILY_MAX + 1
 * bytes); else -1
 */
int tp_moconn_indialog(tp_moconn_t *m, const char *callid, size_t callid_len,
		const tp_addr_t *src, int conn, char *family, time_t now);

#endif /* TP_MOCONN_H */

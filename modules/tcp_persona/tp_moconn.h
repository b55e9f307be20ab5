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
 * (or one the proxy opened toward it), or on a fresh one; a fresh one is
 * told apart by the dialog's next request from the phone (the ACK of a
 * 2xx, usually): on the same connection, the phone keeps a connection per
 * dialog; on another, it opens one per transaction. The ACK of a non-2xx
 * answer (the INVITE's Via branch) says nothing and is not counted. Two
 * small tables in shared memory, one slot per connection id and per
 * Call-ID, overwritten on collision: evidence may be lost, not mixed up
 * (slots keep the connection id and a 64-bit hash of the Call-ID).
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

/*! a close that follows activity by less than this (seconds) follows it;
 * a later one is a close of an idle connection */
#define TP_MOCONN_IDLE_SECS 2

/*! \return tables of 2^size_log2 slots each (2 to 20), or NULL */
tp_moconn_t *tp_moconn_create(unsigned int size_log2);
void tp_moconn_destroy(tp_moconn_t *m);

/*! what a dialog-creating request came with */
typedef struct tp_moconn_req
{
	const char *callid;
	size_t callid_len;
	const char *branch; /*!< its top Via's branch, may be empty */
	size_t branch_len;
	int conn;		   /*!< the connection it came on */
	int proxy_opened;  /*!< the proxy opened that connection */
	int bye;		   /*!< it is a BYE: the dialog ends */
} tp_moconn_req_t;

/*!
 * A dialog-creating request from the phone at ue (its IP counts), of
 * family, whose registration came on reg_conn. \return the event it shows
 * (TP_OBS_MO_ON_REG, TP_OBS_MO_ON_REUSED), or -1 when the connection is
 * fresh (decided by the dialog's next request) or the request is the same
 * dialog's again (a retransmission, or sent anew after a 401 or 491)
 */
int tp_moconn_initial(tp_moconn_t *m, const tp_moconn_req_t *r,
		const tp_addr_t *ue, const char *family, int reg_conn, time_t now);

/*!
 * A request within a dialog, from src on r->conn (not a CANCEL: the
 * caller leaves those out; bye: it is a BYE). A request of a dialog the
 * phone started marks its connection (tp_moconn_closed()). If the dialog
 * started on a fresh connection
 * of the phone at src's IP, is not decided yet, and the request is not the
 * ACK of a non-2xx answer (r->branch is not the INVITE's):
 * \return TP_OBS_MO_NEW_DIALOG (same connection) or TP_OBS_MO_NEW_TX
 * (another), with the dialog's family in family (TP_FAMILY_MAX + 1
 * bytes); else -1
 */
int tp_moconn_indialog(tp_moconn_t *m, const tp_moconn_req_t *r,
		const tp_addr_t *src, char *family, time_t now);

/*!
 * Connection conn closed, by the phone (by_phone: it sent FIN or RST)
 * or by the proxy for idleness. If the phone had opened it for its own
 * dialogs (a dialog-creating request came on it, or a request of such a
 * dialog): \return TP_OBS_CLOSE_* by what came last on it, with its
 * family in family (TP_FAMILY_MAX + 1 bytes); else -1
 */
int tp_moconn_closed(
		tp_moconn_t *m, int conn, int by_phone, char *family, time_t now);

#endif /* TP_MOCONN_H */

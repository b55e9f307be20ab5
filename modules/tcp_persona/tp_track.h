/*
 * tcp_persona - calls in progress and the connections they ride on
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): a shared-memory table keyed by Call-ID and UE
 * contact that remembers, for a dialog with a bound UE, the connection its
 * terminating messages ride on and whether the proxy opened it (and so must
 * close it). The UE is part of the key: a call between two UEs behind the
 * same proxy has one Call-ID and two legs. Lookups copy the entry out.
 */

#ifndef TP_TRACK_H
#define TP_TRACK_H

#include <stddef.h>
#include <time.h>

#include "tp_bind.h"

typedef struct tp_call
{
	int conn_id;	 /*!< connection toward the UE, 0 for none yet */
	int owned;		 /*!< opened by the proxy: it closes it at the end */
	int inv_conn_id; /*!< transaction mode: the last INVITE's connection,
					  *   where the ACK for its 2xx goes */
	unsigned int attempt; /*!< the INVITE (or other request) whose dialog
						   *   this is: a retry with the same Call-ID is
						   *   another attempt, and only its own end may
						   *   forget it */
	tp_mode_t mode;
	tp_addr_t ue;	/*!< the UE's contact: part of the key */
	time_t expires; /*!< forgotten after this even if never ended */
} tp_call_t;

typedef struct tp_track tp_track_t;

/*! called for each entry a sweep drops, outside any lock */
typedef void (*tp_track_gone_f)(
		const char *callid, size_t len, const tp_call_t *c);

tp_track_t *tp_track_create(unsigned int size_log2);
void tp_track_destroy(tp_track_t *t);

/*! inserts or replaces the entry of (callid, c->ue); \return 0, or -1 */
int tp_track_set(
		tp_track_t *t, const char *callid, size_t len, const tp_call_t *c);

/*! \return 1 and a copy in *out, or -1 */
int tp_track_get(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_call_t *out);

/*! removes the entry; \return 1 and its last state in *out (may be NULL),
 * or -1 when there was none */
int tp_track_del(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_call_t *out);

/*! removes the entry only while it belongs to attempt (and, if conn_id is
 * not 0, rides on conn_id); \return 1 and its last state in *out (may be
 * NULL), or -1 */
int tp_track_del_if(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, unsigned int attempt, int conn_id, tp_call_t *out);

/*! what tp_track_edit() does with the entry f saw */
typedef enum tp_track_edit_result
{
	TP_EDIT_NONE = 0, /*!< leave it as it was (or absent) */
	TP_EDIT_STORE,	  /*!< store *c (insert when absent) */
	TP_EDIT_DROP,	  /*!< remove it */
} tp_track_edit_result_t;

/*! sees the entry (a zeroed one with c->ue set when absent: found 0) and
 * changes it, under the slot's lock: no other process runs in between */
typedef tp_track_edit_result_t (*tp_track_edit_f)(
		tp_call_t *c, int found, void *arg);

/*! an atomic read-modify-write of the entry of (callid, ue); \return what
 * f decided, or -1 (no memory to insert) */
int tp_track_edit(tp_track_t *t, const char *callid, size_t len,
		const tp_addr_t *ue, tp_track_edit_f f, void *arg);

/*! removes every entry of callid that belongs to attempt (all its UEs:
 * a forked INVITE has one per branch), calling gone for each outside the
 * lock; \return how many */
int tp_track_end_attempt(tp_track_t *t, const char *callid, size_t len,
		unsigned int attempt, tp_track_gone_f gone);

/*! drops entries expired at now, calling gone for each; \return how many */
int tp_track_sweep(tp_track_t *t, time_t now, tp_track_gone_f gone);

unsigned int tp_track_count(tp_track_t *t);

#endif /* TP_TRACK_H */

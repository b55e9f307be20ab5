/*
 * tcp_persona - the text of the bindings sent between P-CSCFs
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: what one P-CSCF tells the others over DMQ, as text: a first line
 * "tcp_persona/1 KIND", then one record per line.
 *   P CONTACT SOURCE MODE EXPIRES AT LEN:AOR LEN:RULE LEN:UA LEN:ORIGIN
 *     (MODE "dialog", or "dialog/observe" when the UE's rule is
 *     observe-only)
 *   D CONTACT SOURCE EXPIRES AT
 * P binds (or refreshes) the UE of CONTACT, D removes the registration
 * that SOURCE made, expiring at EXPIRES (a later one made since, through
 * any node, stays), at AT; SOURCE is "-" when it is the contact. EXPIRES is
 * absolute (seconds since the epoch; the nodes' clocks must agree, NTP),
 * AT when the binding was made or removed (milliseconds since the epoch,
 * 0 when not known). Strings are length-prefixed: AoR, rule and User-Agent may
 * hold any byte. ORIGIN names the node that saw the REGISTER.
 */
#ifndef TP_REPL_H
#define TP_REPL_H

#include <stddef.h>
#include <time.h>

#include "tp_bind.h"

#define TP_REPL_MAGIC "tcp_persona/1"

typedef enum tp_repl_kind {
	TP_REPL_UPDATE = 0, /*!< bindings made, refreshed or removed */
	TP_REPL_SYNC,		/*!< a joining node asks for every binding */
	TP_REPL_RELOAD,		/*!< reload the rules */
	TP_REPL_RECLASSIFY, /*!< reload them and re-match every binding */
	TP_REPL_STATE,		/*!< every binding a node holds, for one joining */
} tp_repl_kind_t;

/*! a buffer the encoder appends to; len never passes size */
typedef struct tp_repl_buf
{
	char *s;
	size_t len, size;
} tp_repl_buf_t;

/*! one record, as read: strings point into the text, not NUL-ended */
typedef struct tp_repl_rec
{
	char op; /*!< 'P' or 'D' */
	tp_binding_t b;
	const char *ua, *origin;
	size_t ua_len, origin_len;
	unsigned long long at_ms; /*!< when it was made (P) or removed (D) */
} tp_repl_rec_t;

/*! \return 0, or -1 when the buffer has no room (it is left as it was) */
int tp_repl_begin(tp_repl_buf_t *out, tp_repl_kind_t kind);
int tp_repl_put(tp_repl_buf_t *out, const tp_binding_t *b,
		unsigned long long at_ms, const char *ua, size_t ua_len,
		const char *origin, size_t origin_len);
int tp_repl_del(tp_repl_buf_t *out, const tp_addr_t *contact,
		const tp_addr_t *source, time_t expires, unsigned long long at_ms);

/*! the most a P record takes, for a buffer's room */
size_t tp_repl_put_max(size_t ua_len, size_t origin_len);

typedef int (*tp_repl_rec_f)(const tp_repl_rec_t *r, void *arg);

/*!
 * Reads text: its kind into *kind (set before f sees the first record),
 * each record given to f in order (f's
 * negative return stops the reading). \return the records read, or -1
 * when the text is not the module's: *bad is the offset of the fault.
 */
int tp_repl_read(const char *s, size_t len, tp_repl_kind_t *kind,
		tp_repl_rec_f f, void *arg, size_t *bad);

#endif /* TP_REPL_H */

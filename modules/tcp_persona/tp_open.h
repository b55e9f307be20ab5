/*
 * tcp_persona - one new connection at a time to a UE
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * A request that needs a new connection to a UE hides the UE's existing
 * connections from tcp_send()'s address lookup, sends, and claims the
 * connection its send opened. Two processes doing that for one UE at the
 * same instant could ride on each other's connection, so the three steps
 * run under a lock of the UE's address. It is taken right before the send
 * (the core's SREV_NET_DATA_OUT) and released right after it (tm's
 * TMCB_REQUEST_SENT): a waiting worker waits for one non-blocking
 * tcp_send() of another. A send that fails gets no TMCB_REQUEST_SENT: its
 * lock goes at the holder's next send or at the end of its route. The
 * wait is measured (statistics open_waits, open_waits_over_1ms,
 * open_wait_max_us), and so is the longest hold (open_hold_max_us).
 */

#ifndef TP_OPEN_H
#define TP_OPEN_H

#include "tp_addr.h"

/*! \return 0, or -1 (no shared memory) */
int tp_open_init(void);

/*! takes the lock of ue's address for this process (releasing one it
 * still held); \return 0, or -1 (not initialised) */
int tp_open_lock(const tp_addr_t *ue);

/*! releases the lock this process holds, if any */
void tp_open_unlock(void);

/*! \return 1 when this process holds a lock */
int tp_open_held(void);

/*! how many times a worker waited for another's open, how many of those
 * waits took more than 1 ms; the longest wait */
unsigned long tp_open_waits(void);
unsigned long tp_open_waits_over_1ms(void);
unsigned long tp_open_wait_max_us(void);
/*! the longest a process held one of these locks */
unsigned long tp_open_hold_max_us(void);

#endif /* TP_OPEN_H */

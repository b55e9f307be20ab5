/*
 * tcp_persona - the module's own timer process
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * One timer process of its own, so that walking the tables never delays
 * tm's and dialog's timers: every second it stretches the registration
 * connections of reuse UEs; every five it drops expired bindings, calls
 * and owned connections that are gone.
 */

#ifndef TP_TIMER_H
#define TP_TIMER_H

/*! in mod_init: reserves the process; \return 0, or -1 */
int tp_timer_init(void);

/*! in child_init(PROC_MAIN): forks it; \return 0, or -1 */
int tp_timer_start(void);

#endif /* TP_TIMER_H */

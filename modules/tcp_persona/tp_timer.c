/*
 * tcp_persona - the module's own timer process
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <time.h>

#include "core/dprint.h"
#include "core/sr_module.h"
#include "core/timer_proc.h"

#include "tp_conn.h"
#include "tp_fresh.h"
#include "tp_hooks.h"
#include "tp_stats.h"
#include "tp_timer.h"

#define TP_SWEEP_EVERY 5 /* seconds */
/* a reuse connection's idle lifetime reaches this far past its
 * registration's end */
#define TP_KEEP_MARGIN_SECS 30
/* the longest a reuse UE waits between two stretches */
#define TP_KEEP_VISIT_MAX_SECS 60

static void tp_keep_one(int conn_id, unsigned int secs, void *arg)
{
	tp_conn_keep(conn_id, secs + TP_KEEP_MARGIN_SECS);
}

static void tp_on_gone(const char *callid, size_t len, const tp_call_t *c)
{
	if(c->owned)
		tp_release_conn(c->conn_id);
}

/* Every send on a connection restarts its idle timeout with
 * tcp_connection_lifetime (L): a reuse UE's registration connection must
 * be stretched again within L of any send. Each UE is visited every
 * `parts` seconds, parts <= L/2: each second the timer walks 1/parts of
 * the table, not all of it, and takes TCPCONN_LOCK once per UE visited. */
static unsigned int tp_keep_parts(void)
{
	unsigned int half = tp_conn_lifetime_secs() / 2;

	if(half < 1)
		return 1;
	return half > TP_KEEP_VISIT_MAX_SECS ? TP_KEEP_VISIT_MAX_SECS : half;
}

static void tp_tick(unsigned int ticks, void *param)
{
	static unsigned int n, part, parts;
	unsigned int want = tp_keep_parts();
	time_t now = time(NULL);
	int lost;

	if(want != parts) { /* L changed (or the first tick): a new round */
		parts = want;
		part = 0;
	}
	tp_bind_each_reuse_part(tp_bindings, now, part, parts, tp_keep_one, NULL);
	part = (part + 1) % parts;
	tp_fresh_tick();
	if(++n % TP_SWEEP_EVERY)
		return;
	tp_bind_sweep(tp_bindings, now);
	tp_track_sweep(tp_calls, now, tp_on_gone);
	tp_track_sweep(tp_calls_ended, now, NULL);
	/* gone without a close event (idle expiry in tcp_main): lost too */
	lost = tp_owned_sweep(tp_owned_conns, tp_conn_alive);
	if(lost > 0) {
		update_stat(tp_stat_owned_lost, lost);
		LM_INFO("%d connection(s) the proxy opened ended without a close"
				" event\n",
				lost);
	}
}

int tp_timer_init(void)
{
	if(register_basic_timers(1) < 0) {
		LM_ERR("cannot reserve the timer process\n");
		return -1;
	}
	return 0;
}

int tp_timer_start(void)
{
	/* make_sock 1: it talks to tcp_main to close connections */
	if(fork_basic_timer(PROC_TIMER, "tcp_persona timer", 1, tp_tick, NULL, 1)
			< 0) {
		LM_ERR("cannot start the timer process\n");
		return -1;
	}
	return 0;
}

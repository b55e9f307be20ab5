/*
 * tcp_persona - benchmark: the timer process's table work at scale
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * 100,000 bound UEs (a third reuse, the others dialog and transaction) in
 * the module's own table code, with hash_size 17. What the timer process
 * does with the table each second, timed: the reuse UEs' keepalive walk,
 * either of the whole table every second (before December 2026) or of
 * 1/parts of it (parts = tcp_connection_lifetime / 2, at most 60: 60 with
 * Kamailio's default lifetime of 120 s), and the expiry sweep every 5 s.
 * The keepalive's TCPCONN_LOCK take per UE visited is counted, not taken
 * (a stub): lock takes per second are printed.
 */

#include <stdio.h>
#include <string.h>

#include "tp_bind.h"

#include "bench_util.h"

#define N_UES 100000
#define SECONDS 120

static tp_bind_table_t *t;
static unsigned long keeps;

static void keep(int conn_id, unsigned int secs, void *arg)
{
	(void)conn_id;
	(void)secs;
	(void)arg;
	keeps++; /* the module takes TCPCONN_LOCK here (tp_conn_keep) */
}

static void put(uint32_t i)
{
	tp_binding_t b;

	memset(&b, 0, sizeof(b));
	b.contact.af = b.source.af = 4;
	b.contact.ip[0] = b.source.ip[0] = 10;
	b.contact.ip[1] = b.source.ip[1] = (uint8_t)(i >> 16);
	b.contact.ip[2] = b.source.ip[2] = (uint8_t)(i >> 8);
	b.contact.ip[3] = b.source.ip[3] = (uint8_t)i;
	b.contact.port = 5060;
	b.source.port = (uint16_t)(30000 + i % 30000);
	b.mode = i % 3 == 0 ? TP_MODE_REUSE
						: (i % 3 == 1 ? TP_MODE_DIALOG : TP_MODE_TRANSACTION);
	b.reg_conn_id = (int)i + 1;
	b.expires = 1000000;
	snprintf(b.aor, sizeof(b.aor), "sip:+4917%08u@ims.example.org", i);
	if(tp_bind_put(t, &b, "Bench-UA/1.0", 12) != 0)
		fprintf(stderr, "put %u failed\n", i);
}

/* SECONDS of timer ticks; \return CPU seconds spent per second */
static double run(unsigned int parts, int sweeps)
{
	unsigned int s;
	double t0 = bench_now();

	keeps = 0;
	for(s = 0; s < SECONDS; s++) {
		tp_bind_each_reuse_part(t, 1000, s % parts, parts, keep, NULL);
		if(sweeps && s % 5 == 4)
			tp_bind_sweep(t, 1000);
	}
	return (bench_now() - t0) / SECONDS;
}

int main(void)
{
	double v;
	uint32_t i;

	t = tp_bind_create(N_UES);
	for(i = 0; i < N_UES; i++)
		put(i);
	run(1, 0); /* warm */
	printf("timer, %d bound UEs (%d reuse), a table of %u, %d ticks:\n",
			N_UES, (N_UES + 2) / 3, tp_bind_capacity(t), SECONDS);
	v = run(1, 0);
	printf("  keepalive, whole table each second: %.3f%% of a core, %lu lock"
		   " takes/s\n",
			v * 100, keeps / SECONDS);
	v = run(60, 0);
	printf("  keepalive, 1/60 of the table each second: %.4f%% of a core, %lu"
		   " lock takes/s\n",
			v * 100, keeps / SECONDS);
	v = run(60, 1);
	printf("timer_share_pct=%.4f\n", v * 100);
	printf("target timer process <= 1%% of a core with %d UEs (keepalive 1/60,"
		   " sweep every 5 s): %s (%.4f%%, %lu lock takes/s: one per reuse UE"
		   " per 60 s, none per UE per second)\n",
			N_UES, v <= 0.01 ? "met" : "MISSED", v * 100, keeps / SECONDS);
	tp_bind_destroy(t);
	return 0;
}

/*
 * tcp_persona - benchmark: persona discovery's own work per MO dialog
 *
 * Copyright (C) 2026 tcp_persona authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The module's pure discovery code (tp_family.c, tp_moconn.c,
 * tp_observe.c, built standalone: calloc for shm, a spin lock) over
 * DIALOGS dialogs of the User-Agents of bench/data/user_agents.txt, each
 * started on a fresh connection and decided by its ACK, as tp_discover.c
 * calls it: the family of the User-Agent, the evidence of the INVITE, the
 * store, the evidence of the ACK, the store. Prints the time per dialog
 * (the in-kamailio part, a copy of the binding, comes on top; run it
 * under valgrind --tool=callgrind for instructions).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_family.h"
#include "tp_moconn.h"
#include "tp_observe.h"

#include "bench_util.h"

/* dialogs, unless argv[2] says otherwise */
#define DIALOGS 1000000

static char *uas[4096];
static int n_uas;

int main(int argc, char **argv)
{
	tp_observe_t *o = tp_observe_create(1024);
	tp_moconn_t *m = tp_moconn_create(11);
	char family[TP_FAMILY_MAX + 1], got[TP_FAMILY_MAX + 1], cid[32];
	tp_moconn_req_t r;
	tp_addr_t src;
	double t0, dt;
	int i, ev, decided = 0, n = argc > 2 ? atoi(argv[2]) : DIALOGS;
	const char *ua;

	n_uas = bench_load_uas(
			argc > 1 ? argv[1] : "data/user_agents.txt", uas, 4096);
	memset(&src, 0, sizeof(src));
	src.af = 4;
	src.ip[0] = 10;
	t0 = bench_now();
	for(i = 0; i < n; i++) {
		ua = uas[i % n_uas];
		src.ip[3] = (uint8_t)i;
		snprintf(cid, sizeof(cid), "%08x-bench@10.0.0.1", (unsigned int)i);
		tp_ua_family(ua, strlen(ua), family, sizeof(family));
		memset(&r, 0, sizeof(r));
		r.callid = cid;
		r.callid_len = strlen(cid);
		r.branch = "z9hG4bK-invite";
		r.branch_len = 14;
		r.conn = 1000 + i;
		ev = tp_moconn_initial(m, &r, &src, family, 7, 1000);
		tp_observe_ua(o, family, strlen(family), ua, strlen(ua),
				ev >= 0 ? (tp_obs_event_t)ev : TP_OBS_NOTHING, 1000);
		r.branch = "z9hG4bK-ack";
		r.branch_len = 11;
		ev = tp_moconn_indialog(m, &r, &src, got, 1000);
		if(ev >= 0) {
			tp_observe(o, got, strlen(got), (tp_obs_event_t)ev, 1000);
			decided++;
		}
	}
	dt = bench_now() - t0;
	printf("discovery, %d MO dialogs of %d User-Agents (%u families): %.0f ns"
		   " per dialog (INVITE and ACK), %d decided\n",
			n, n_uas, tp_observe_count(o), dt * 1e9 / n, decided);
	printf("discover_ns_per_dialog=%.0f\n", dt * 1e9 / n);
	tp_moconn_destroy(m);
	tp_observe_destroy(o);
	return decided == n ? 0 : 1;
}

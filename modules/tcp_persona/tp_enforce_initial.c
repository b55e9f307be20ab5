/*
 * tcp_persona - persona_enforce() for initial requests: every branch
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <string.h>

#include "core/config.h"
#include "core/dprint.h"
#include "core/dset.h"

#include "tp_discover.h"
#include "tp_dlg.h"
#include "tp_enforce.h"
#include "tp_enforce_initial.h"
#include "tp_hooks.h"
#include "tp_leg.h"
#include "tp_pv.h"

/* what the branch set holds */
typedef struct tp_targets
{
	int bound;		/* branches to UEs with a persona */
	int any_ue;		/* branches to bound UEs, persona none too */
	int kept;		/* branches left to send */
	int any_dialog; /* one goes to a UE of persona dialog */
	int dialog_creating;
	/* set with the first bound branch, read only then */
	tp_binding_t first;
	/* the kept branches' legs, in tm's order: the plan takes them as
	 * they are (tp_hooks.c), without reading each hop again */
	tp_leg_t legs[MAX_BRANCHES_LIMIT];
} tp_targets_t;

static void tp_target_leg(tp_targets_t *tg, const str *hop, const tp_addr_t *a,
		const tp_binding_t *b, int alive)
{
	if(tg->kept < MAX_BRANCHES_LIMIT)
		tp_leg_of(&tg->legs[tg->kept], tg->dialog_creating, hop, a, b, alive);
	tg->kept++;
}

/* looks at one branch; \return 0 when it must be dropped: a reuse UE
 * whose registration connection is gone (nothing may connect to it) */
static int tp_target(sip_msg_t *msg, str *hop, tp_targets_t *tg)
{
	tp_binding_t b;
	tp_addr_t a;
	int alive = 0;

	if(tp_enf_uri_hop(msg, hop, &a, &b) < 0) {
		tp_target_leg(tg, hop, NULL, NULL, 0);
		return 1;
	}
	tg->any_ue = 1;
	if(b.mode == TP_MODE_NONE) {
		tp_target_leg(tg, hop, &a, &b, 0);
		return 1;
	}
	if(tg->bound++ == 0)
		tg->first = b;
	if(b.mode == TP_MODE_REUSE) {
		alive = tp_enf_pinnable(b.reg_conn_id, &a);
		if(alive == 0) {
			tp_enf_reuse_gone(msg, &b);
			return 0;
		}
		if(alive < 0)
			tp_enf_reuse_elsewhere(msg, &b, &a);
	}
	tg->any_dialog |= b.mode == TP_MODE_DIALOG;
	tp_target_leg(tg, hop, &a, &b, alive);
	return 1;
}

/* the branches lookup() (or the script) appended; a dropped one is
 * removed from the set */
static void tp_targets_of_dset(sip_msg_t *msg, tp_targets_t *tg)
{
	branch_t *br;
	unsigned int i = 0;
	str hop;

	while(i < nr_branches && (br = get_sip_branch(i)) != NULL) {
		hop.s = br->dst_uri_len ? br->dst_uri : br->uri;
		hop.len = br->dst_uri_len ? br->dst_uri_len : br->len;
		if(tp_target(msg, &hop, tg))
			i++;
		else
			drop_sip_branch(i);
	}
}

static void tp_arm_branches(sip_msg_t *msg, const tp_targets_t *tg)
{
	tp_arm_t a;

	memset(&a, 0, sizeof(a));
	a.kind = TP_ARM_BRANCHES;
	a.is_invite = msg->REQ_METHOD == METHOD_INVITE;
	a.dialog_creating = tg->dialog_creating;
	/* new branches of a transaction the module follows (failure_route)
	 * belong to its attempt */
	if((a.attempt = tp_hooks_attempt()) == 0)
		a.attempt = tp_attempt_new();
	/* the dialog module tells when this attempt ends (tp_dlg.h) */
	if(a.is_invite && tg->any_dialog)
		tp_dlg_follow(msg, a.attempt);
	tp_hooks_arm(msg, &a, tg->legs,
			tg->kept < MAX_BRANCHES_LIMIT ? tg->kept : MAX_BRANCHES_LIMIT);
}

int tp_enforce_initial(sip_msg_t *msg)
{
	tp_targets_t tg;
	int ruri_kept = 1;

	memset(&tg, 0, offsetof(tp_targets_t, first));
	tg.dialog_creating = tp_enf_dialog_creating(msg) != 0;
	if(ruri_get_forking_state())
		ruri_kept = tp_target(msg, GET_NEXT_HOP(msg), &tg);
	tp_targets_of_dset(msg, &tg);
	if(tg.any_ue)
		tp_discover_mt(msg); /* how it ends, for persona discovery */
	if(tg.bound == 0)
		return TP_ENF_NOTHING;
	tp_pv_set_rule(msg, tg.first.rule, tg.first.mode);
	if(tg.kept == 0)
		return TP_ENF_REUSE_GONE; /* the script answers (480) */
	if(!ruri_kept)
		ruri_mark_consumed(); /* the other branches go on */
	tp_arm_branches(msg, &tg);
	return TP_ENF_APPLIED;
}

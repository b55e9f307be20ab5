/*
 * tcp_persona - DMQ: what tp_dmq.c (the peer) and tp_dmq_send.c (the
 * sender process) share
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TP_DMQ_INT_H
#define TP_DMQ_INT_H

#include "core/str.h"
#include "modules/dmq/bind_dmq.h"

#include "tp_nodes.h"
#include "tp_tomb.h"

/* a User-Agent is sent cut to this (it only re-classifies on a reload) */
#define TP_DMQ_UA_MAX 1024

extern dmq_api_t tp_dmqb;
extern dmq_peer_t *tp_peer;
extern tp_nodes_t *tp_nodes;
extern tp_tombs_t *tp_tombs;
extern str tp_self;
extern str tp_dmq_ct;

/* now, in milliseconds since the epoch */
tp_ms_t tp_dmq_now_ms(void);

/* tp_dmq_send.c: the shared queue, then the sender process's tick */
int tp_dmq_send_init(void);
void tp_dmq_tick(unsigned int ticks, void *param);
/* a node (its DMQ address, without parameters) asked for every binding:
 * the sender process sends them */
void tp_dmq_want_sync(const char *uri, size_t len);

#endif /* TP_DMQ_INT_H */

/*
 * tcp_persona - bindings and rule reloads shared between P-CSCFs (DMQ)
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * With enable_dmq, the module is a DMQ peer ("tcp_persona"): what binds,
 * refreshes or unbinds a UE here is queued and sent to the other nodes in
 * batches by a process of its own; a node that joins asks the others for
 * every binding; a rules reload here reloads them there. Without it,
 * nothing here runs.
 */
#ifndef TP_DMQ_H
#define TP_DMQ_H

#include "tp_bind.h"

extern int tp_dmq_enable;

/*! mod_init: binds dmq, registers the peer and the sender process */
int tp_dmq_init(void);
/*! child_init(PROC_MAIN): forks the sender */
int tp_dmq_start(void);

/*! queue a binding made or refreshed here / a registration ended here
 * (the one from source that expired at expires) */
void tp_dmq_put(const tp_binding_t *b, const char *ua, size_t ua_len);
void tp_dmq_del(
		const tp_addr_t *contact, const tp_addr_t *source, time_t expires);

/*! asks every other node to reload its rules (and re-match its bindings);
 * \return the request's number (their answers carry it), 0 if not asked */
unsigned int tp_dmq_reload(int reclassify);

struct tp_nodes;
/*! the nodes bindings came from and their answers to reloads; NULL
 * without DMQ */
struct tp_nodes *tp_dmq_nodes(void);

/*! the name of the node a binding came from, "" without DMQ */
const char *tp_dmq_node_name(int id, char *buf, size_t size);

#endif /* TP_DMQ_H */

/*
 * tcp_persona - the P-CSCFs a binding can come from
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: a binding records the node that saw its REGISTER in one byte; this
 * table, in shared memory, maps that byte to the node's DMQ address. 0 is
 * this node. Names are added, never removed: a node that left keeps its
 * number until restart, so a binding never names another node.
 */
#ifndef TP_NODES_H
#define TP_NODES_H

#include <stddef.h>

#define TP_NODES_MAX 64
#define TP_NODE_NAME_MAX 127

typedef struct tp_nodes tp_nodes_t;

/*! self: this node's name (its DMQ server_address) */
tp_nodes_t *tp_nodes_create(const char *self, size_t len);
void tp_nodes_destroy(tp_nodes_t *n);

/*! the number of node name; 0 for this node; -1 when the table is full
 * or the name is empty or too long */
int tp_node_id(tp_nodes_t *n, const char *name, size_t len);

/*! the name of node id ("" when unknown) into buf; \return buf */
const char *tp_node_name(tp_nodes_t *n, int id, char *buf, size_t size);

#endif /* TP_NODES_H */

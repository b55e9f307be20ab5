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
#include <time.h>

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

#define TP_NODE_ANSWER_MAX 95

/*! what a node last answered to a reload this node asked for */
typedef struct tp_node_info
{
	char name[TP_NODE_NAME_MAX + 1];
	int reload_code; /*!< 0: never asked, or no answer yet */
	char reload_answer[TP_NODE_ANSWER_MAX + 1];
	time_t reload_at;
	unsigned int reload_seq; /*!< the request it answered */
} tp_node_info_t;

/*! records node name's answer (code, text) to reload request seq, at
 * time at */
void tp_node_reloaded(tp_nodes_t *n, const char *name, size_t len, int code,
		const char *text, size_t text_len, time_t at, unsigned int seq);

/*! a new reload request number, one count for all processes (not 0) */
unsigned int tp_nodes_next_seq(tp_nodes_t *n);

/*! the nodes known so far (this one included) */
int tp_nodes_count(tp_nodes_t *n);

/*! node id's record; \return 0, or -1 when there is no such node */
int tp_node_info(tp_nodes_t *n, int id, tp_node_info_t *out);

#endif /* TP_NODES_H */

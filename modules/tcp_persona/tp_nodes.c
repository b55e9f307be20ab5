/*
 * tcp_persona - the P-CSCFs a binding can come from
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "tp_sys.h"
#include "tp_nodes.h"

struct tp_nodes
{
	tp_lock_t lock;
	int count; /* names[0] is this node's */
	char names[TP_NODES_MAX][TP_NODE_NAME_MAX + 1];
};

tp_nodes_t *tp_nodes_create(const char *self, size_t len)
{
	tp_nodes_t *n;

	if(len == 0 || len > TP_NODE_NAME_MAX
			|| (n = tp_shm_zalloc(sizeof(*n))) == NULL)
		return NULL;
	tp_lock_init(&n->lock);
	memcpy(n->names[0], self, len);
	n->count = 1;
	return n;
}

void tp_nodes_destroy(tp_nodes_t *n)
{
	if(n) {
		tp_lock_destroy(&n->lock);
		tp_shm_free(n);
	}
}

static int tp_node_is(const tp_nodes_t *n, int i, const char *name, size_t len)
{
	return strlen(n->names[i]) == len && memcmp(n->names[i], name, len) == 0;
}

int tp_node_id(tp_nodes_t *n, const char *name, size_t len)
{
	int i;

	if(len == 0 || len > TP_NODE_NAME_MAX || memchr(name, '\0', len))
		return -1;
	tp_lock(&n->lock);
	for(i = 0; i < n->count && !tp_node_is(n, i, name, len); i++)
		;
	if(i == n->count) {
		if(i == TP_NODES_MAX) {
			tp_unlock(&n->lock);
			return -1;
		}
		memcpy(n->names[i], name, len);
		n->names[i][len] = '\0';
		n->count++;
	}
	tp_unlock(&n->lock);
	return i;
}

const char *tp_node_name(tp_nodes_t *n, int id, char *buf, size_t size)
{
	if(size == 0)
		return buf;
	buf[0] = '\0';
	tp_lock(&n->lock);
	if(id >= 0 && id < n->count) {
		strncpy(buf, n->names[id], size - 1);
		buf[size - 1] = '\0';
	}
	tp_unlock(&n->lock);
	return buf;
}

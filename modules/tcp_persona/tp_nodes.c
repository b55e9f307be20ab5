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

typedef struct tp_node_answer
{
	int code;
	char text[TP_NODE_ANSWER_MAX + 1];
	time_t at;
	unsigned int seq;
} tp_node_answer_t;

struct tp_nodes
{
	tp_lock_t lock;
	int count; /* names[0] is this node's */
	unsigned int seq; /* the last reload request's number */
	char names[TP_NODES_MAX][TP_NODE_NAME_MAX + 1];
	tp_node_answer_t reload[TP_NODES_MAX];
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

/* the number of name, added if new (the lock held); -1 when full */
static int tp_node_locked(tp_nodes_t *n, const char *name, size_t len)
{
	int i;

	for(i = 0; i < n->count && !tp_node_is(n, i, name, len); i++)
		;
	if(i == n->count) {
		if(i == TP_NODES_MAX)
			return -1;
		memcpy(n->names[i], name, len);
		n->names[i][len] = '\0';
		n->count++;
	}
	return i;
}

int tp_node_id(tp_nodes_t *n, const char *name, size_t len)
{
	int i;

	if(len == 0 || len > TP_NODE_NAME_MAX || memchr(name, '\0', len))
		return -1;
	tp_lock(&n->lock);
	i = tp_node_locked(n, name, len);
	tp_unlock(&n->lock);
	return i;
}

void tp_node_reloaded(tp_nodes_t *n, const char *name, size_t len, int code,
		const char *text, size_t text_len, time_t at, unsigned int seq)
{
	tp_node_answer_t *a;
	int i;

	if(len == 0 || len > TP_NODE_NAME_MAX || memchr(name, '\0', len))
		return;
	if(text_len > TP_NODE_ANSWER_MAX)
		text_len = TP_NODE_ANSWER_MAX;
	tp_lock(&n->lock);
	if((i = tp_node_locked(n, name, len)) >= 0) {
		a = &n->reload[i];
		a->code = code;
		memcpy(a->text, text, text_len);
		a->text[text_len] = '\0';
		a->at = at;
		a->seq = seq;
	}
	tp_unlock(&n->lock);
}

unsigned int tp_nodes_next_seq(tp_nodes_t *n)
{
	unsigned int s;

	tp_lock(&n->lock);
	if(++n->seq == 0)
		n->seq = 1;
	s = n->seq;
	tp_unlock(&n->lock);
	return s;
}

int tp_nodes_count(tp_nodes_t *n)
{
	int c;

	tp_lock(&n->lock);
	c = n->count;
	tp_unlock(&n->lock);
	return c;
}

int tp_node_info(tp_nodes_t *n, int id, tp_node_info_t *out)
{
	int ret = -1;

	tp_lock(&n->lock);
	if(id >= 0 && id < n->count) {
		memcpy(out->name, n->names[id], sizeof(out->name));
		out->reload_code = n->reload[id].code;
		memcpy(out->reload_answer, n->reload[id].text,
				sizeof(out->reload_answer));
		out->reload_at = n->reload[id].at;
		out->reload_seq = n->reload[id].seq;
		ret = 0;
	}
	tp_unlock(&n->lock);
	return ret;
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

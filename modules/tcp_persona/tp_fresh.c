/*
 * tcp_persona - making tcp_send() open a new connection, without a lock
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <time.h>

#include "core/dprint.h"
#include "core/ip_addr.h"
#include "core/mem/shm_mem.h"

#include "tp_conn.h"
#include "tp_core.h"
#include "tp_fresh.h"

/* seconds a moved marker's old id still works: a send reads the id
 * right before tcp_send() looks it up */
#define TP_FRESH_GRACE 5

/* written by mod_init and by the module's timer process only; every
 * sending process reads the ids */
typedef struct tp_fresh
{
	struct tcp_connection *mark[2];
	int cur;		  /* index of the current marker */
	int id;			  /* the current marker's id */
	int old_id;		  /* the previous marker's, still linked; or 0 */
	time_t unlink_at; /* when the previous one goes */
} tp_fresh_t;

static tp_fresh_t *tp_fr;

/* a record tcp_send() finds by id and never uses: close-after-send. It
 * has no socket and is in no timer; the module's reference keeps its
 * count above zero, so no put frees it */
static struct tcp_connection *tp_fresh_new(void)
{
	struct tcp_connection *c = shm_mallocxz(sizeof(*c));

	if(c == NULL)
		return NULL;
	if(lock_init(&c->write_lock) == NULL) {
		shm_free(c);
		return NULL;
	}
	c->s = -1;
	c->state = S_CONN_OK;
	c->type = PROTO_TCP;
	c->rcv.proto = PROTO_TCP;
	ip_addr_mk_any(AF_INET, &c->rcv.src_ip);
	ip_addr_mk_any(AF_INET, &c->rcv.dst_ip);
	c->flags = F_CONN_FD_CLOSED;
	c->send_flags.f = SND_F_CON_CLOSE;
	TP_TCPCONN_MARK_DATA(c); /* never closed by a data timeout */
	atomic_set(&c->refcnt, 1);
	return c;
}

/* gives c a free id of the module's own and links it; TCPCONN_LOCK held */
static int tp_fresh_link_unsafe(struct tcp_connection *c)
{
	int id = tp_conn_new_id_unsafe();

	if(id == 0)
		return 0;
	c->id = id;
	c->id_hash = tcp_id_hash(id);
	tcpconn_listadd(tcpconn_id_hash[c->id_hash], c, id_next, id_prev);
	return id;
}

static void tp_fresh_unlink_unsafe(struct tcp_connection *c)
{
	tcpconn_listrm(tcpconn_id_hash[c->id_hash], c, id_next, id_prev);
	c->id_next = c->id_prev = NULL;
}

int tp_fresh_init(void)
{
	int id;

	tp_fr = shm_mallocxz(sizeof(*tp_fr));
	if(tp_fr == NULL || (tp_fr->mark[0] = tp_fresh_new()) == NULL
			|| (tp_fr->mark[1] = tp_fresh_new()) == NULL) {
		LM_ERR("no shared memory for the new-connection marker\n");
		return -1;
	}
	TCPCONN_LOCK;
	id = tp_fresh_link_unsafe(tp_fr->mark[0]);
	TCPCONN_UNLOCK;
	if(id == 0) {
		LM_ERR("no free connection id for the new-connection marker\n");
		return -1;
	}
	__atomic_store_n(&tp_fr->id, id, __ATOMIC_RELEASE);
	LM_DBG("new-connection marker: connection id %d\n", id);
	return 0;
}

int tp_fresh_id(void)
{
	return tp_fr ? __atomic_load_n(&tp_fr->id, __ATOMIC_ACQUIRE) : 0;
}

int tp_fresh_is(int id)
{
	return id != 0 && tp_fr
		   && (id == __atomic_load_n(&tp_fr->id, __ATOMIC_ACQUIRE)
				   || id == __atomic_load_n(&tp_fr->old_id, __ATOMIC_ACQUIRE));
}

/* links the spare marker under a new id and makes it the current one */
static void tp_fresh_move(time_t now)
{
	int next = 1 - tp_fr->cur, id;

	TCPCONN_LOCK;
	id = tp_fresh_link_unsafe(tp_fr->mark[next]);
	TCPCONN_UNLOCK;
	if(id == 0) {
		LM_ERR("no free connection id to move the new-connection marker"
			   " (%d) to\n",
				tp_fr->id);
		return;
	}
	LM_INFO("the core's connection ids near %d: the new-connection marker"
			" moves to %d\n",
			tp_fr->id, id);
	__atomic_store_n(&tp_fr->old_id, tp_fr->id, __ATOMIC_RELEASE);
	__atomic_store_n(&tp_fr->id, id, __ATOMIC_RELEASE);
	tp_fr->cur = next;
	tp_fr->unlink_at = now + TP_FRESH_GRACE;
}

void tp_fresh_tick(void)
{
	time_t now = time(NULL);

	if(tp_fr == NULL || tp_fr->id == 0)
		return;
	if(tp_fr->old_id != 0) {
		if(now < tp_fr->unlink_at)
			return;
		TCPCONN_LOCK;
		tp_fresh_unlink_unsafe(tp_fr->mark[1 - tp_fr->cur]);
		TCPCONN_UNLOCK;
		__atomic_store_n(&tp_fr->old_id, 0, __ATOMIC_RELEASE);
	}
	if(tp_conn_id_near_core(tp_fr->id))
		tp_fresh_move(now);
}

void tp_fresh_destroy(void)
{
	if(tp_fr == NULL || tp_fr->id == 0 || tcpconn_lock == NULL
			|| lock_try(tcpconn_lock) != 0)
		return;
	tp_fresh_unlink_unsafe(tp_fr->mark[tp_fr->cur]);
	if(tp_fr->old_id != 0)
		tp_fresh_unlink_unsafe(tp_fr->mark[1 - tp_fr->cur]);
	TCPCONN_UNLOCK;
	tp_fr->id = tp_fr->old_id = 0;
}

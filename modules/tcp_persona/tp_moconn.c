/*
 * tcp_persona - which connection a phone's own dialogs come on
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>

#include "tp_sys.h"
#include "tp_moconn.h"

/* evidence older than this is forgotten: a dialog's ACK comes within
 * seconds, a connection reused for a new dialog within its lifetime */
#define TP_MOCONN_TTL 600

/* the connection a phone opened, the last dialog it carried, and what
 * came last on it (a BYE ends a dialog) */
typedef struct tp_moconn_conn
{
	int conn;
	int last_bye;
	uint64_t callid;
	char family[TP_FAMILY_MAX + 1];
	time_t at;
} tp_moconn_conn_t;

/* a dialog that started on a fresh connection, not decided yet */
typedef struct tp_moconn_dlg
{
	uint64_t callid;
	uint64_t branch; /* the INVITE's: a non-2xx ACK has it too */
	int start_conn;
	int decided;
	uint8_t af;
	uint8_t ip[16];
	char family[TP_FAMILY_MAX + 1];
	time_t at;
} tp_moconn_dlg_t;

struct tp_moconn
{
	tp_lock_t lock;
	unsigned int mask;
	tp_moconn_conn_t *conns;
	tp_moconn_dlg_t *dlgs;
};

static uint64_t tp_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bits */

	while(len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h ? h : 1; /* 0 marks an empty slot */
}

tp_moconn_t *tp_moconn_create(unsigned int size_log2)
{
	size_t n;
	tp_moconn_t *m;

	if(size_log2 < 2 || size_log2 > 20)
		return NULL;
	n = (size_t)1 << size_log2;
	m = tp_shm_zalloc(sizeof(*m) + n * sizeof(tp_moconn_conn_t)
					  + n * sizeof(tp_moconn_dlg_t));
	if(m == NULL)
		return NULL;
	tp_lock_init(&m->lock);
	m->mask = (unsigned int)(n - 1);
	m->conns = (tp_moconn_conn_t *)(void *)(m + 1);
	m->dlgs = (tp_moconn_dlg_t *)(void *)(m->conns + n);
	return m;
}

void tp_moconn_destroy(tp_moconn_t *m)
{
	if(m) {
		tp_lock_destroy(&m->lock);
		tp_shm_free(m);
	}
}

static int tp_fresh_at(time_t at, time_t now)
{
	return at != 0 && now - at < TP_MOCONN_TTL;
}

/* conn's slot says a request of dialog h of family came on it (the lock
 * held) */
static void tp_conn_mark(tp_moconn_conn_t *c, int conn, uint64_t h,
		const char *family, int bye, time_t now)
{
	if(c->conn != conn || strncmp(c->family, family, TP_FAMILY_MAX) != 0) {
		c->conn = conn;
		strncpy(c->family, family, TP_FAMILY_MAX);
		c->family[TP_FAMILY_MAX] = '\0';
	}
	c->callid = h;
	c->last_bye = bye;
	c->at = now;
}

int tp_moconn_initial(tp_moconn_t *m, const tp_moconn_req_t *r,
		const tp_addr_t *ue, const char *family, int reg_conn, time_t now)
{
	uint64_t h = tp_hash(r->callid, r->callid_len);
	int conn = r->conn, known, ev = -1;
	tp_moconn_conn_t *c;
	tp_moconn_dlg_t *d;

	if(conn <= 0)
		return -1;
	tp_lock(&m->lock);
	c = &m->conns[(unsigned int)conn & m->mask];
	known = c->conn == conn && tp_fresh_at(c->at, now);
	if(known && c->callid == h) {
		/* the same dialog again: counted when it came first */
		tp_conn_mark(c, conn, h, family, 0, now);
		tp_unlock(&m->lock);
		return -1;
	}
	if(conn == reg_conn)
		ev = TP_OBS_MO_ON_REG;
	else if(known || r->proxy_opened)
		ev = TP_OBS_MO_ON_REUSED;
	/* the dialog: a fresh connection's is decided by its next request;
	 * the others are decided, kept so that their requests mark the
	 * connections they come on */
	d = &m->dlgs[(unsigned int)h & m->mask];
	memset(d, 0, sizeof(*d));
	d->callid = h;
	d->branch = tp_hash(r->branch, r->branch_len);
	d->start_conn = conn;
	d->decided = ev >= 0;
	d->af = ue->af;
	memcpy(d->ip, ue->ip, sizeof(d->ip));
	strncpy(d->family, family, TP_FAMILY_MAX);
	d->at = now;
	tp_conn_mark(c, conn, h, family, 0, now);
	tp_unlock(&m->lock);
	return ev;
}

int tp_moconn_indialog(tp_moconn_t *m, const tp_moconn_req_t *r,
		const tp_addr_t *src, char *family, time_t now)
{
	uint64_t h = tp_hash(r->callid, r->callid_len);
	uint64_t branch = tp_hash(r->branch, r->branch_len);
	tp_moconn_dlg_t *d;
	int ev = -1;

	if(r->conn <= 0)
		return -1;
	tp_lock(&m->lock);
	d = &m->dlgs[(unsigned int)h & m->mask];
	/* only the phone's own requests: the network's come from elsewhere */
	if(d->callid != h || !tp_fresh_at(d->at, now) || d->af != src->af
			|| memcmp(d->ip, src->ip, sizeof(d->ip)) != 0) {
		tp_unlock(&m->lock);
		return -1;
	}
	tp_conn_mark(&m->conns[(unsigned int)r->conn & m->mask], r->conn, h,
			d->family, r->bye, now);
	/* not the ACK of a non-2xx answer: it rides the INVITE's
	 * transaction, so its connection tells nothing */
	if(!d->decided && (r->branch_len == 0 || branch != d->branch)) {
		ev = r->conn == d->start_conn ? TP_OBS_MO_NEW_DIALOG
									  : TP_OBS_MO_NEW_TX;
		d->decided = 1;
		memcpy(family, d->family, TP_FAMILY_MAX + 1);
	}
	tp_unlock(&m->lock);
	return ev;
}

int tp_moconn_closed(
		tp_moconn_t *m, int conn, int by_phone, char *family, time_t now)
{
	tp_moconn_conn_t *c;
	int ev = -1;

	if(conn <= 0)
		return -1;
	tp_lock(&m->lock);
	c = &m->conns[(unsigned int)conn & m->mask];
	if(c->conn == conn && tp_fresh_at(c->at, now) && c->family[0]) {
		if(!by_phone)
			ev = TP_OBS_CLOSE_PROXY_IDLE;
		else if(now - c->at >= TP_MOCONN_IDLE_SECS)
			ev = TP_OBS_CLOSE_PHONE_IDLE;
		else
			ev = c->last_bye ? TP_OBS_CLOSE_PHONE_DIALOG : TP_OBS_CLOSE_PHONE_TX;
		memcpy(family, c->family, TP_FAMILY_MAX + 1);
		c->conn = 0; /* closed: its id is not reused, its slot may be */
	}
	tp_unlock(&m->lock);
	return ev;
}

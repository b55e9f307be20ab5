/*
 * tcp_persona - the core TCP connections the module steers
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "core/dprint.h"
#include "core/pass_fd.h"
#include "core/tcp_conn.h"
#include "core/tcp_options.h"
#include "core/timer_ticks.h"
#include "core/cfg/cfg.h"

#include "core/events.h"
#include "core/sr_module.h"

#include "core/globals.h"
#include "core/pt.h"

#include "tp_conn.h"
#include "tp_connid.h"
#include "tp_core.h"


int tp_conn_async_ok(void)
{
	return cfg_get(tcp, tcp_cfg, async)
		   && cfg_get(tcp, tcp_cfg, tcp_connect_wait);
}

/* must be called with TCPCONN_LOCK held */
static void tp_conn_unalias_unsafe(struct tcp_connection *c)
{
	int r;

	for(r = 0; r < c->aliases; r++)
		tcpconn_listrm(tcpconn_aliases_hash[c->con_aliases[r].hash],
				&c->con_aliases[r], next, prev);
	/* the core unlinks c->aliases entries when it frees c: none now */
	c->aliases = 0;
}

/* the state of the module's connection ids (tp_connid.h), in shm; the
 * core's TCPCONN_LOCK serialises the picks */
static tp_connid_t *tp_conn_ids;

int tp_conn_ids_init(void)
{
	if((tp_conn_ids = shm_malloc(sizeof(*tp_conn_ids))) == NULL)
		return -1;
	tp_connid_init(tp_conn_ids);
	return 0;
}

void tp_conn_core_id_seen(int id)
{
	if(tp_conn_ids && id != 0)
		tp_connid_seen(tp_conn_ids, id);
}

static int tp_conn_id_used_unsafe(int id, void *arg)
{
	return TP_TCPCONN_BY_ID(id) != NULL;
}

int tp_conn_new_id_unsafe(void)
{
	return tp_connid_pick(tp_conn_ids, tp_conn_id_used_unsafe, NULL);
}

int tp_conn_id_near_core(int id)
{
	return tp_connid_near_core(tp_conn_ids, id);
}

/* gives c an id of the module's own (tp_connid.h); TCPCONN_LOCK held */
static void tp_conn_renumber_unsafe(struct tcp_connection *c)
{
	int id;

	tp_connid_seen(tp_conn_ids, c->id); /* the core gave it a moment ago */
	if((id = tp_conn_new_id_unsafe()) == 0)
		return; /* every candidate in use: it keeps the core's id */
	tcpconn_listrm(tcpconn_id_hash[c->id_hash], c, id_next, id_prev);
	c->id = id;
	c->id_hash = tcp_id_hash(c->id);
	tcpconn_listadd(tcpconn_id_hash[c->id_hash], c, id_next, id_prev);
}

unsigned short tp_conn_tag(void)
{
	/* bits 8-15: no blocklist event type is defined there (BLST_* stop at
	 * bit 7), so the tag changes nothing the core does */
	return (unsigned short)(((unsigned int)process_no % TP_CONN_TAGS + 1)
							<< 8);
}

/* the connection to ip:port whose send flags carry exactly tag; TCPCONN_LOCK
 * held */
static struct tcp_connection *tp_conn_tagged_unsafe(
		struct ip_addr *ip, unsigned short port, unsigned short tag)
{
	struct tcp_conn_alias *a;
	struct ip_addr any;

	ip_addr_mk_any(ip->af, &any);
	for(a = tcpconn_aliases_hash[tcp_addr_hash(ip, port, &any, 0)]; a;
			a = a->next) {
		if(a->port == port && a->parent->state != S_CONN_BAD
				&& ip_addr_cmp(ip, &a->parent->rcv.src_ip)
				&& (a->parent->send_flags.blst_imask & TP_CONN_TAG_MASK)
						   == tag)
			return a->parent;
	}
	return NULL;
}

/* the same by the id index: the connection may have no address alias
 * left, when a connection another sender opened to the same address a
 * moment later took it over (the core's TCP_ALIAS_REPLACE); a walk of every
 * connection, so only when the alias index had nothing. TCPCONN_LOCK held */
static struct tcp_connection *tp_conn_tagged_by_id_unsafe(
		struct ip_addr *ip, unsigned short port, unsigned short tag)
{
	struct tcp_connection *c;
	int h;

	for(h = 0; h < TCP_ID_HASH_SIZE; h++) {
		for(c = tcpconn_id_hash[h]; c; c = c->id_next) {
			if(c->rcv.src_port == port && c->state != S_CONN_BAD
					&& (c->send_flags.blst_imask & TP_CONN_TAG_MASK) == tag
					&& ip_addr_cmp(ip, &c->rcv.src_ip))
				return c;
		}
	}
	return NULL;
}

int tp_conn_claim_tagged(
		struct ip_addr *ip, unsigned short port, unsigned short tag)
{
	struct tcp_connection *c;
	int id = 0;

	TCPCONN_LOCK;
	if((c = tp_conn_tagged_unsafe(ip, port, tag)) != NULL
			|| (c = tp_conn_tagged_by_id_unsafe(ip, port, tag)) != NULL) {
		c->send_flags.blst_imask &= ~TP_CONN_TAG_MASK;
		tp_conn_unalias_unsafe(c); /* nothing else may ride on it */
		tp_conn_renumber_unsafe(c);
		id = c->id;
	}
	TCPCONN_UNLOCK;
	return id;
}

int tp_conn_alive_to(int id, const struct ip_addr *ip)
{
	struct tcp_connection *c;
	int alive = 0;

	if(id == 0)
		return 0;
	TCPCONN_LOCK;
	c = TP_TCPCONN_BY_ID(id);
	if(c && c->state != S_CONN_BAD && !(c->flags & F_CONN_FORCE_EOF)
			&& !(c->send_flags.f & SND_F_CON_CLOSE))
		alive = ip == NULL || ip_addr_cmp(&c->rcv.src_ip, ip) ? 1 : -1;
	TCPCONN_UNLOCK;
	return alive;
}

int tp_conn_opened_here(int id)
{
	struct tcp_connection *c;
	int here = -1;

	if(id == 0)
		return -1;
	TCPCONN_LOCK;
	if((c = TP_TCPCONN_BY_ID(id)) != NULL)
		here = !(c->flags & F_CONN_PASSIVE);
	TCPCONN_UNLOCK;
	return here;
}

int tp_conn_alive(int id)
{
	return tp_conn_alive_to(id, NULL) != 0;
}

/* the pid of tcp_main, from the shared process table */
static int tp_tcp_main_pid(void)
{
	int i;

	for(i = 0; pt && process_count && i < *process_count; i++) {
		if(strcmp(pt[i].desc, "tcp main process") == 0)
			return pt[i].pid;
	}
	return 0;
}

/* the local port of socket inode in /proc/net/tcp or tcp6, else 0 */
static int tp_inode_port(const char *table, unsigned long inode)
{
	unsigned long ino;
	unsigned int port;
	char line[512];
	int found = 0;
	FILE *f;

	if((f = fopen(table, "r")) == NULL)
		return 0;
	while(!found && fgets(line, sizeof(line), f)) {
		if(sscanf(line,
				   " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %*x %*x:%*x "
				   "%*x:%*x"
				   " %*x %*u %*u %lu",
				   &port,
				   &ino) == 2
				&& ino == inode)
			found = (int)port;
	}
	fclose(f);
	return found;
}

/* Kamailio does not learn the port the kernel gives a connection it opens
 * from a listen IP (rcv.dst_port stays 0); tcp_main's socket knows: its fd
 * there, the socket's inode, the kernel's TCP table. The table is read
 * whole: an RPC cost that grows with the machine's TCP sockets. */
static int tp_kernel_local_port(int fd, int af)
{
	char path[64], link[64];
	unsigned long inode;
	int pid = tp_tcp_main_pid(), port;
	ssize_t n;

	if(pid <= 0 || fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if((n = readlink(path, link, sizeof(link) - 1)) <= 0)
		return 0;
	link[n] = '\0';
	if(sscanf(link, "socket:[%lu]", &inode) != 1)
		return 0;
	port = tp_inode_port(
			af == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp", inode);
	return port;
}

int tp_conn_ports(int id, int *local, int *remote)
{
	struct tcp_connection *c;
	int fd = -1, af = AF_INET;

	*local = *remote = 0;
	if(id == 0)
		return -1;
	TCPCONN_LOCK;
	if((c = TP_TCPCONN_BY_ID(id)) != NULL) {
		*local = c->rcv.dst_port;
		*remote = c->rcv.src_port;
		af = c->rcv.src_ip.af;
		/* until tcp_main has taken over a new connection, c->s is the
		 * number of the opening worker's fd, not one of tcp_main's */
		if(!(c->flags & (F_CONN_PENDING | F_CONN_FD_CLOSED))
				&& c->state != S_CONN_CONNECT)
			fd = c->s;
	}
	TCPCONN_UNLOCK;
	if(c == NULL)
		return -1;
	if(*local == 0)
		*local = tp_kernel_local_port(fd, af);
	return 1;
}

int tp_conn_close(int id)
{
	struct tcp_connection *c;
	long cmd[2];

	if(id == 0 || (c = tcpconn_get(id, 0, 0, 0, 0)) == NULL)
		return -1;
	c->send_flags.f |= SND_F_CON_CLOSE;
	c->flags |= F_CONN_FORCE_EOF;
	cmd[0] = (long)c;
	cmd[1] = CONN_EOF; /* tcp_main consumes the reference tcpconn_get took */
	if(send_all(unix_tcp_sock, cmd, sizeof(cmd)) <= 0) {
		LM_ERR("connection %d: close request to tcp_main failed: %s\n", id,
				strerror(errno));
		tcpconn_put(c); /* it never got it */
		return -2;
	}
	return 1;
}

unsigned int tp_conn_lifetime_secs(void)
{
	return TICKS_TO_S(cfg_get(tcp, tcp_cfg, con_lifetime));
}

int tp_conn_keep(int id, unsigned int secs)
{
	struct tcp_connection *c;
	int ret = -1;

	if(id == 0)
		return -1;
	TCPCONN_LOCK;
	c = TP_TCPCONN_BY_ID(id);
	if(c) {
		/* idle based: every send restarts it, so it is stretched again and
		 * again; a reader holding c uses c->timeout itself, leave it */
		c->lifetime = S_TO_TICKS(secs);
		if(c->reader_pid == 0)
			c->timeout = get_ticks_raw() + c->lifetime;
		ret = 1;
	}
	TCPCONN_UNLOCK;
	return ret;
}

int tp_conn_events_init(sr_event_cb_f on_closed)
{
	struct sr_module *tcpops = find_module_by_name("tcpops");
	modparam_t type;
	int *ev;

	/* one module only can have the event: say what to change */
	if(tcpops
			&& (ev = find_param_export(
						tcpops, "closed_event", PARAM_INT, &type))
			&& *ev != 0) {
		LM_ERR("tcpops takes the TCP closed event (closed_event=%d):"
			   " tcp_persona coexists with tcpops only with"
			   " modparam(\"tcpops\", \"closed_event\", 0)\n",
				*ev);
		return -1;
	}
	if(sr_event_register_cb(SREV_TCP_CLOSED, on_closed) != 0) {
		LM_ERR("another module took the TCP closed event, which tcp_persona"
			   " needs\n");
		return -1;
	}
	return 0;
}

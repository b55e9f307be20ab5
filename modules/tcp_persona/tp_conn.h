/*
 * tcp_persona - the core TCP connections the module steers
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * A thin layer over Kamailio's TCP connection table (tcp_main): finding a
 * connection, hiding it from address lookups, asking tcp_main to close it,
 * and stretching its idle lifetime. Everything else in the module talks to
 * connections by id through these functions.
 *
 * Why hiding: tcp_send() sends a request without a connection id on the
 * newest connection to the destination address, if there is one. A UE of
 * persona dialog or transaction wants only that dialog's or transaction's
 * messages on the connection opened for it. So every connection the
 * module opens for such a UE is taken out of the address index as soon as
 * it is claimed: only sends by id reach it.
 */

#ifndef TP_CONN_H
#define TP_CONN_H

#include "core/events.h"
#include "core/ip_addr.h"

/*! the shared counter of the module's connection ids; \return 0 or -1 */
int tp_conn_ids_init(void);
/*! a core connection id seen (a REGISTER's): keeps the module's ids away
 * from the core's counter (tp_connid.h) */
void tp_conn_core_id_seen(int id);

/*! a free connection id of the module's own (tp_connid.h), with
 * TCPCONN_LOCK held; \return it, or 0 when none was found */
int tp_conn_new_id_unsafe(void);
/*! \return 1 when the core's numbering is about to reach id */
int tp_conn_id_near_core(int id);

/*! the bits of snd_flags_t.blst_imask that carry the opener's tag */
#define TP_CONN_TAG_MASK 0xff00
/*! processes 0 to TP_CONN_TAGS - 1 have tags of their own */
#define TP_CONN_TAGS 255

/*! this process's tag: set in a send's dst->send_flags.blst_imask, it is
 * copied by tcp_send() into the connection that send opens, which is how
 * the module tells its own new connection from any other to the UE */
unsigned short tp_conn_tag(void);

/*!
 * The connection this process just opened to ip:port, found by its tag
 * (the core's tcp_send() does not say which connection it used): taken
 * out of the address index, so that nothing else rides on it, given a
 * connection id of the module's own (unique whatever the core's racy
 * numbering did), tag removed. \return its id, or 0 when there is none
 */
int tp_conn_claim_tagged(
		struct ip_addr *ip, unsigned short port, unsigned short tag);

/*! \return 1 when connection id exists and is usable, else 0 */
int tp_conn_alive(int id);

/*! \return 1 when the proxy opened connection id (connect), 0 when the
 * peer did (accept), -1 when there is no such connection */
int tp_conn_opened_here(int id);

/*! whether a request for ip may be pinned to connection id: tcp_send()
 * takes a connection by id whatever its peer, so the module checks that
 * the peer is the host the request is routed to (ip NULL: any host).
 * \return 1 usable and to ip, -1 usable but to another host, 0 gone or
 * closing */
int tp_conn_alive_to(int id, const struct ip_addr *ip);

/*! asks tcp_main to close id now (FIN); \return 1, -1 gone, -2 error */
int tp_conn_close(int id);

/*! the local and remote port of connection id; \return 1, or -1 gone */
int tp_conn_ports(int id, int *local, int *remote);

/*! tcp_connection_lifetime, in seconds: a send restarts a connection's
 * idle timeout with it */
unsigned int tp_conn_lifetime_secs(void);

/*! keeps id open while idle for up to secs; \return 1, or -1 if gone */
int tp_conn_keep(int id, unsigned int secs);

/*! registers for tcp_main's closed event (refusing to share it with
 * tcpops); \return 0, or -1 with the reason logged */
int tp_conn_events_init(sr_event_cb_f on_closed);

/*! 1 when tcp_main runs in async mode with connect wait (needed) */
int tp_conn_async_ok(void);

#endif /* TP_CONN_H */

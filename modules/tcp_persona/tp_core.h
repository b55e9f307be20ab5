/*
 * tcp_persona - the core's TCP tables, and what differs between versions
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * tcp_main.c exports these without a declaration in a header. They are
 * declared once, here, with every difference between the Kamailio
 * versions the module builds for (5.6 and 6.0, told apart by the
 * build's VERSIONVAL): the rest of the module has no version test.
 */

#ifndef TP_CORE_H
#define TP_CORE_H

#include "core/locking.h"
#include "core/tcp_conn.h"

#ifndef VERSIONVAL
#error "VERSIONVAL is not defined: build with the Kamailio tree's own flags"
#endif

extern gen_lock_t *tcpconn_lock;
extern struct tcp_conn_alias **tcpconn_aliases_hash;
extern struct tcp_connection **tcpconn_id_hash;

#if VERSIONVAL >= 6000000
/* 6.0 added the protocol (PROTO_NONE: any) */
struct tcp_connection *_tcpconn_find(int id, struct ip_addr *ip, int port,
		struct ip_addr *l_ip, int l_port, sip_protos_t proto);
#define TP_TCPCONN_BY_ID(id) _tcpconn_find((id), 0, 0, 0, 0, PROTO_NONE)
#else
struct tcp_connection *_tcpconn_find(
		int id, struct ip_addr *ip, int port, struct ip_addr *l_ip, int l_port);
#define TP_TCPCONN_BY_ID(id) _tcpconn_find((id), 0, 0, 0, 0)
#endif

#if VERSIONVAL >= 5008000
/* since 5.8 a timer closes connections that have received no data for
 * tcp_msg_data_timeout (6.0: outbound ones too): the module's own record
 * (the new-connection marker) counts as one that has. The connections it
 * opens are left to the core: the UE's first answer marks them. */
#define TP_TCPCONN_MARK_DATA(c) ((c)->req.dxstate |= KSR_TCP_REQSTATE_DATARECV)
#else
#define TP_TCPCONN_MARK_DATA(c) \
	do {                         \
	} while(0)
#endif

#endif /* TP_CORE_H */

/*
 * tcp_persona - the core's TCP tables that no core header declares
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * tcp_main.c exports these without a declaration in a header. They are
 * declared once, here, so that a change of the core's prototypes shows
 * in one place. Checked against Kamailio 5.6.3.
 */

#ifndef TP_CORE_H
#define TP_CORE_H

#include "core/locking.h"
#include "core/tcp_conn.h"

extern gen_lock_t *tcpconn_lock;
extern struct tcp_conn_alias **tcpconn_aliases_hash;
extern struct tcp_connection **tcpconn_id_hash;

struct tcp_connection *_tcpconn_find(
		int id, struct ip_addr *ip, int port, struct ip_addr *l_ip, int l_port);

#endif /* TP_CORE_H */

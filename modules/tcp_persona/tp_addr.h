/*
 * tcp_persona - UE addresses
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE: an IPv4 or IPv6 address and port, the key of the module's tables,
 * compared, hashed, printed and parsed from the text an operator types.
 */

#ifndef TP_ADDR_H
#define TP_ADDR_H

#include <stddef.h>
#include <stdint.h>

typedef struct tp_addr
{
	uint8_t af; /*!< 4 or 6, 0 for none */
	uint16_t port;
	uint8_t ip[16];
} tp_addr_t;

int tp_addr_eq(const tp_addr_t *a, const tp_addr_t *b);
int tp_addr_ip_eq(const tp_addr_t *a, const tp_addr_t *b);

/*! a hash of the IP only (a UE's ports change) */
unsigned int tp_addr_ip_hash(const tp_addr_t *a);

/*! a hash of IP and port */
unsigned int tp_addr_hash(const tp_addr_t *a);

/*!
 * Parses "1.2.3.4:5060" or "[::1]:5060" (the port is required, 1..65535).
 * \return 0, or -1 when s is not such an address
 */
int tp_addr_parse(const char *s, size_t len, tp_addr_t *a);

/*! "1.2.3.4:5060" or "[::1]:5060" into buf; \return buf */
const char *tp_addr_str(const tp_addr_t *a, char *buf, size_t size);

#endif /* TP_ADDR_H */

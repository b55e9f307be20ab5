/*
 * tcp_persona - unit tests: what the binding table's random tests share
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TP_BIND_FIXTURES_H
#define TP_BIND_FIXTURES_H

#include <stdint.h>
#include <string.h>

#include "tp_addr.h"

/* xorshift64: the same sequence on every run */
static inline uint64_t tp_fx_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 10.0.0.last:port */
static inline tp_addr_t tp_fx_addr(uint8_t last, uint16_t port)
{
	tp_addr_t a;

	memset(&a, 0, sizeof(a));
	a.af = 4;
	a.ip[0] = 10;
	a.ip[3] = last;
	a.port = port;
	return a;
}

#endif /* TP_BIND_FIXTURES_H */

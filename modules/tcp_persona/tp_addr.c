/*
 * tcp_persona - UE addresses
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "tp_addr.h"

int tp_addr_eq(const tp_addr_t *a, const tp_addr_t *b)
{
	return tp_addr_ip_eq(a, b) && a->port == b->port;
}

int tp_addr_ip_eq(const tp_addr_t *a, const tp_addr_t *b)
{
	return a->af != 0 && a->af == b->af
		   && memcmp(a->ip, b->ip, a->af == 4 ? 4 : 16) == 0;
}

const char *tp_addr_str(const tp_addr_t *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if(a->af == 4 || a->af == 6)
		inet_ntop(a->af == 4 ? AF_INET : AF_INET6, a->ip, ip, sizeof(ip));
	snprintf(buf, size, a->af == 6 ? "[%s]:%u" : "%s:%u", ip, a->port);
	return buf;
}

unsigned int tp_addr_ip_hash(const tp_addr_t *a)
{
	unsigned int h = 2166136261u, i, n = a->af == 4 ? 4 : 16;

	for(i = 0; i < n; i++)
		h = (h ^ a->ip[i]) * 16777619u;
	return h ^ (h >> 15);
}

unsigned int tp_addr_hash(const tp_addr_t *a)
{
	unsigned int h = 2166136261u, i, n = a->af == 4 ? 4 : 16;

	for(i = 0; i < n; i++)
		h = (h ^ a->ip[i]) * 16777619u;
	h = (h ^ (a->port & 0xff)) * 16777619u;
	h = (h ^ (a->port >> 8)) * 16777619u;
	return h ^ (h >> 15);
}

int tp_addr_parse(const char *s, size_t len, tp_addr_t *a)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *p;
	size_t hlen, plen;
	unsigned long port = 0;

	memset(a, 0, sizeof(*a));
	if(len > 0 && s[0] == '[') {
		p = memchr(s, ']', len);
		if(p == NULL || p + 1 >= s + len || p[1] != ':')
			return -1;
		hlen = (size_t)(p - s - 1);
		colon = p + 1;
		if(hlen == 0 || hlen > INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if(inet_pton(AF_INET6, host, a->ip) != 1)
			return -1;
		a->af = 6;
	} else {
		colon = memchr(s, ':', len);
		if(colon == NULL || (hlen = (size_t)(colon - s)) == 0
				|| hlen > INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if(inet_pton(AF_INET, host, a->ip) != 1)
			return -1;
		a->af = 4;
	}
	plen = (size_t)(s + len - colon - 1);
	if(plen == 0 || plen > 5)
		goto bad;
	for(p = colon + 1; p < s + len; p++) {
		if(*p < '0' || *p > '9')
			goto bad;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if(port == 0 || port > 65535)
		goto bad;
	a->port = (uint16_t)port;
	return 0;
bad:
	memset(a, 0, sizeof(*a));
	return -1;
}

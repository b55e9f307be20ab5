/*
 * tcp_persona - libFuzzer target: the UE address an operator types to the
 * RPC ("ip:port", "[ipv6]:port"). What parses must print back to text
 * that parses to the same address.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_addr_t a, b;
	char text[64];

	if(tp_addr_parse((const char *)data, size, &a) < 0) {
		if(a.af != 0)
			__builtin_trap(); /* a failed parse leaves no address */
		return 0;
	}
	if((a.af != 4 && a.af != 6) || a.port == 0)
		__builtin_trap();
	tp_addr_str(&a, text, sizeof(text));
	if(tp_addr_parse(text, strlen(text), &b) < 0 || !tp_addr_eq(&a, &b))
		__builtin_trap();
	return 0;
}

/*
 * tcp_persona - libFuzzer target: a User-Agent's family. The family is
 * bounded, holds no digit and no control character, and reduces to itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_family.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TP_FAMILY_MAX + 1], again[TP_FAMILY_MAX + 1];
	size_t n = tp_ua_family((const char *)data, size, out, sizeof(out)), i;

	if(n > TP_FAMILY_MAX || strlen(out) != n)
		__builtin_trap();
	for(i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if((c >= '0' && c <= '9') || c < 0x20 || c == 0x7f || c == '\t')
			__builtin_trap();
	}
	if(tp_ua_family(out, n, again, sizeof(again)) != n || memcmp(out, again, n))
		__builtin_trap();
	return 0;
}

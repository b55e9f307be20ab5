/*
 * tcp_persona - libFuzzer target: a User-Agent's family. The family is
 * bounded, holds no digit and no control character, and reduces to itself;
 * the regex tcp_persona.profile_rules writes for it compiles and matches the
 * User-Agent (one without control bytes or leading blanks, whose family was
 * not cut).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_family.h"
#include "tp_match.h"
#include "tp_profile_rule.h"

/* the family's regex, as a rule, matches ua */
static void check_regex(const char *family, const uint8_t *ua, size_t len)
{
	static tp_ruleset_t rs;
	static int ready;
	char re[4096], err[256];
	tp_rule_spec_t spec;
	tp_class_t c;

	if(!ready) {
		if(tp_ruleset_init(&rs, 8192, 100000, 5000) < 0)
			__builtin_trap();
		ready = 1;
	}
	if(tp_family_regex(family, re, sizeof(re)) == 0)
		__builtin_trap(); /* 96 bytes of family fit in 4096 */
	memset(&spec, 0, sizeof(spec));
	strcpy(spec.name, "f");
	spec.mode = TP_MODE_DIALOG;
	spec.regex = re;
	spec.regex_len = strlen(re);
	if(tp_ruleset_add(&rs, &spec, 0, "fuzz", err, sizeof(err)) < 0)
		__builtin_trap();
	tp_ruleset_match(&rs, (const char *)ua, len, &c);
	if(c.status != TP_MATCH_HIT)
		__builtin_trap();
	tp_ruleset_free(&rs);
	ready = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TP_FAMILY_MAX + 1], again[TP_FAMILY_MAX + 1];
	size_t n = tp_ua_family((const char *)data, size, out, sizeof(out)), i;
	int plain = size > 0 && data[0] != ' ' && data[0] != '\t';

	if(n > TP_FAMILY_MAX || strlen(out) != n)
		__builtin_trap();
	for(i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if((c >= '0' && c <= '9') || c < 0x20 || c == 0x7f || c == '\t')
			__builtin_trap();
	}
	if(tp_ua_family(out, n, again, sizeof(again)) != n || memcmp(out, again, n))
		__builtin_trap();
	for(i = 0; i < size && plain; i++)
		if((data[i] < 0x20 && data[i] != '\t') || data[i] == 0x7f)
			plain = 0;
	if(plain && n > 0 && n < TP_FAMILY_MAX && size <= 4096)
		check_regex(out, data, size);
	return 0;
}

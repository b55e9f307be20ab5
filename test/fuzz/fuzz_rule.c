/*
 * tcp_persona - libFuzzer target: one rule spec ("name=..;mode=..;ua=..")
 * through the parser and, when it parses, the compiler.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_match.h"
#include "tp_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tp_ruleset_t rs;
	static int ready;
	tp_rule_spec_t spec;
	char err[256];

	if(!ready) {
		if(tp_ruleset_init(&rs, TP_UA_MAX_LEN_DEFAULT, TP_MATCH_LIMIT_DEFAULT,
				   TP_DEPTH_LIMIT_DEFAULT)
				< 0)
			return 0;
		ready = 1;
	}
	err[0] = '\0';
	if(tp_rule_parse((const char *)data, size, &spec, err, sizeof(err)) < 0) {
		/* an error always says what: never an empty message */
		if(err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	if(spec.regex == NULL || spec.regex < (const char *)data
			|| spec.regex + spec.regex_len > (const char *)data + size)
		__builtin_trap(); /* the regex must point into the input */
	if(tp_ruleset_add(&rs, &spec, 1, "fuzz", err, sizeof(err)) == 0) {
		/* keep the set small: a fresh one now and then */
		if(rs.count > 64) {
			tp_ruleset_free(&rs);
			ready = 0;
		}
	}
	return 0;
}

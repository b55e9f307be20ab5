/*
 * tcp_persona - libFuzzer target: a whole rules file's text, line by line
 * through the parser and compiler, as rules_file and reload read it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tp_match.h"
#include "tp_rules.h"

typedef struct
{
	tp_ruleset_t *rs;
	const char *text;
	size_t size;
	int lines;
} file_t;

static int on_line(void *arg, int lineno, const char *line, size_t len)
{
	file_t *f = arg;
	tp_rule_spec_t spec;
	char err[256];

	/* lines come in order, inside the text, without their newline */
	if(lineno <= f->lines || line < f->text || line + len > f->text + f->size
			|| memchr(line, '\n', len) != NULL)
		__builtin_trap();
	f->lines = lineno;
	if(tp_rule_parse(line, len, &spec, err, sizeof(err)) == 0)
		tp_ruleset_add(f->rs, &spec, 1, "fuzz", err, sizeof(err));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_ruleset_t rs;
	file_t f = {&rs, (const char *)data, size, 0};

	if(size > 64 * 1024)
		return 0;
	if(tp_ruleset_init(&rs, TP_UA_MAX_LEN_DEFAULT, TP_MATCH_LIMIT_DEFAULT,
			   TP_DEPTH_LIMIT_DEFAULT)
			< 0)
		return 0;
	tp_rules_text_each((const char *)data, size, on_line, &f);
	tp_ruleset_free(&rs);
	return 0;
}

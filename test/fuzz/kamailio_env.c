/*
 * tcp_persona - what Kamailio's own parsers need to run outside Kamailio,
 * for fuzz_contact: pkg and shm memory over libc (so ASan sees every
 * allocation), a logger that formats every line and prints none, and the
 * core globals the parsers read. Only the parsers' own sources are linked
 * (core.mk).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"
#include "core/events.h"
#include "core/mem/pkg.h"
#include "core/mem/shm.h"
#include "core/parser/msg_parser.h"

static void *env_malloc(void *mb, size_t size, const char *file,
		const char *func, unsigned int line, const char *mname)
{
	return malloc(size ? size : 1);
}

static void *env_mallocxz(void *mb, size_t size, const char *file,
		const char *func, unsigned int line, const char *mname)
{
	return calloc(1, size ? size : 1);
}

static void *env_realloc(void *mb, void *p, size_t size, const char *file,
		const char *func, unsigned int line, const char *mname)
{
	return realloc(p, size ? size : 1);
}

static void env_free(void *mb, void *p, const char *file, const char *func,
		unsigned int line, const char *mname)
{
	free(p);
}

sr_pkg_api_t _pkg_root = {.mname = "libc",
		.xmalloc = env_malloc,
		.xmallocxz = env_mallocxz,
		.xrealloc = env_realloc,
		.xreallocxf = env_realloc,
		.xfree = env_free};

sr_shm_api_t _shm_root = {.mname = "libc",
		.xmalloc = env_malloc,
		.xmallocxz = env_mallocxz,
		.xmalloc_unsafe = env_malloc,
		.xrealloc = env_realloc,
		.xreallocxf = env_realloc,
		.xfree = env_free};

/* every log statement runs (its arguments are read, under ASan), into a
 * scratch buffer */
int get_debug_level(char *mname, int mnlen)
{
	return L_DBG;
}

int get_debug_facility(char *mname, int mnlen)
{
	return 0;
}

int my_pid(void)
{
	return 0;
}

static void env_log(int prio, const char *fmt, ...)
{
	static char line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

int process_no;
int log_stderr;
int log_color;
str *log_prefix_val;
km_log_f _km_log_func = env_log;
ksr_slog_f _ksr_slog_func;
volatile int dprint_crit;
struct log_level_info log_level_info[] = {{"ALERT", 1}, {"BUG", 2},
		{"CRITICAL", 2}, {"", 2}, {"ERROR", 3}, {"WARNING", 4},
		{"NOTICE", 5}, {"INFO", 6}, {"DEBUG", 7}};

void dprint_color(int level)
{
}

void dprint_color_reset(void)
{
}

int ser_error;
int phone2tel = 1; /* Kamailio's default */

/* parse_uri.c and parse_contact.c refer to these; what is fuzzed never
 * reaches them */
int sr_event_exec(int type, sr_event_param_t *evp)
{
	return 0;
}

int parse_headers(struct sip_msg *msg, hdr_flags_t flags, int next)
{
	abort();
}

/*
 * tcp_persona - interned strings
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): one shared copy of each distinct string (a
 * User-Agent, a rule name, an AoR's domain), counted by reference. A
 * million UEs have a few hundred distinct User-Agents: the binding table
 * keeps a pointer each, not a copy.
 */

#ifndef TP_INTERN_H
#define TP_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct tp_istr
{
	struct tp_istr *next;
	uint32_t refs;
	uint32_t hash;
	uint32_t len;
	char s[]; /*!< len bytes and a NUL */
} tp_istr_t;

typedef struct tp_intern tp_intern_t;

/*! \return a table with 2^size_log2 buckets, or NULL */
tp_intern_t *tp_intern_create(unsigned int size_log2);
void tp_intern_destroy(tp_intern_t *in);

/*! \return the shared copy of s[0..len), one reference more; NULL when
 * out of memory */
tp_istr_t *tp_intern_get(tp_intern_t *in, const char *s, size_t len);

/*! drops a reference (s may be NULL); the last frees the copy */
void tp_intern_put(tp_intern_t *in, tp_istr_t *s);

/*! one reference more to a string already held */
void tp_intern_ref(tp_istr_t *s);

/*! distinct strings held */
unsigned int tp_intern_count(tp_intern_t *in);

#endif /* TP_INTERN_H */

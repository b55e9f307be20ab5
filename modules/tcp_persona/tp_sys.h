/*
 * tcp_persona - system shim for the pure code
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * The only bridge the pure files (rules, matcher, cache) include: inside
 * Kamailio it maps to pkg memory and the core logger, in unit tests and
 * benchmarks (TP_STANDALONE) to libc.
 */

#ifndef TP_SYS_H
#define TP_SYS_H

#ifdef TP_STANDALONE
#include <stdio.h>
#include <stdlib.h>

#define tp_malloc(sz) malloc(sz)
#define tp_zalloc(sz) calloc(1, (sz))
#define tp_free(p) free(p)
#define TP_ERR(fmt, ...) fprintf(stderr, "ERROR: " fmt, ##__VA_ARGS__)
#define TP_WARN(fmt, ...) fprintf(stderr, "WARNING: " fmt, ##__VA_ARGS__)
#define TP_DBG(fmt, ...)                                                       \
	do {                                                                       \
	} while(0)
#else
#include "core/mem/mem.h"
#include "core/dprint.h"

#define tp_malloc(sz) pkg_malloc(sz)
#define tp_zalloc(sz) pkg_mallocxz(sz)
#define tp_free(p) pkg_free(p)
#define TP_ERR(fmt, ...) LM_ERR(fmt, ##__VA_ARGS__)
#define TP_WARN(fmt, ...) LM_WARN(fmt, ##__VA_ARGS__)
#define TP_DBG(fmt, ...) LM_DBG(fmt, ##__VA_ARGS__)
#endif

#endif /* TP_SYS_H */

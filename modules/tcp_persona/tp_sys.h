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

#include <stdint.h>
#include <time.h>

#ifdef TP_STANDALONE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define tp_malloc(sz) malloc(sz)
#define tp_zalloc(sz) calloc(1, (sz))
#define tp_free(p) free(p)
#define tp_shm_zalloc(sz) calloc(1, (sz))
#define tp_shm_free(p) free(p)

/* a 4-byte spin lock that yields, like Kamailio's gen_lock_t: the tables
 * are laid out and measured as they are in shared memory */
typedef int tp_lock_t;
#define tp_lock_init(l) __atomic_store_n((l), 0, __ATOMIC_RELAXED)
#define tp_lock_destroy(l) ((void)(l))
static inline void tp_lock(tp_lock_t *l)
{
	int i;

	while(__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
		for(i = 0; __atomic_load_n(l, __ATOMIC_RELAXED); i++) {
			if(i >= 1024) {
				sched_yield();
				i = 0;
			}
		}
	}
}
#define tp_unlock(l) __atomic_store_n((l), 0, __ATOMIC_RELEASE)
#define TP_ERR(fmt, ...) fprintf(stderr, "ERROR: " fmt, ##__VA_ARGS__)
#define TP_WARN(fmt, ...) fprintf(stderr, "WARNING: " fmt, ##__VA_ARGS__)
#define TP_DBG(fmt, ...)                                                       \
	do {                                                                       \
	} while(0)
#else
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/locking.h"
#include "core/dprint.h"

#define tp_malloc(sz) pkg_malloc(sz)
#define tp_zalloc(sz) pkg_mallocxz(sz)
#define tp_free(p) pkg_free(p)
#define tp_shm_zalloc(sz) shm_mallocxz(sz)
#define tp_shm_free(p) shm_free(p)

typedef gen_lock_t tp_lock_t;
#define tp_lock_init(l) lock_init(l)
#define tp_lock_destroy(l) lock_destroy(l)
#define tp_lock(l) lock_get(l)
#define tp_unlock(l) lock_release(l)
#define TP_ERR(fmt, ...) LM_ERR(fmt, ##__VA_ARGS__)
#define TP_WARN(fmt, ...) LM_WARN(fmt, ##__VA_ARGS__)
#define TP_DBG(fmt, ...) LM_DBG(fmt, ##__VA_ARGS__)
#endif

/*! milliseconds of a monotonic clock, for short waits and markers */
static inline uint64_t tp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif /* TP_SYS_H */

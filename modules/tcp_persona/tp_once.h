/*
 * tcp_persona - once per key and interval
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*! \file
 * PURE (through tp_sys.h): rate limits an event per key (a User-Agent)
 * across processes without a lock: a fixed table in shared memory of
 * (key hash, last time) words updated by compare-and-swap. Two keys that
 * share a slot evict each other, so a key may fire early. The hash is
 * seeded at start, so colliding keys cannot be computed beforehand.
 */

#ifndef TP_ONCE_H
#define TP_ONCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*! keys remembered at once */
#define TP_ONCE_SLOTS 1024

typedef struct tp_once tp_once_t;

/*! \return a table of TP_ONCE_SLOTS keys hashed with seed, or NULL */
tp_once_t *tp_once_create(uint32_t seed);
void tp_once_destroy(tp_once_t *o);

/*!
 * \return 1 when key did not fire in the last interval seconds (it fires
 * now and is remembered at now), else 0; interval 0 always fires
 */
int tp_once_fire(tp_once_t *o, const char *key, size_t len, time_t now,
		unsigned int interval);

#endif /* TP_ONCE_H */

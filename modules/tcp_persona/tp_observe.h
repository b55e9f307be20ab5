/*
 * tcp_persona - what each User-Agent family was seen to do
 *
 * Copyright (C) 2026 tcp_persona authors
 *
 * This file is part of tcp_persona, a module for Kamailio.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/*! \file
 * PURE: persona discovery's counters (tp_suggest.h), per User-Agent family
 * (tp_family.h), in shared memory. The number of families is bounded:
 * a new family beyond the bound takes the place of the one seen least
 * recently, and the evictions are counted.
 */
#ifndef TP_OBSERVE_H
#define TP_OBSERVE_H

#include <stddef.h>
#include <time.h>

#include "tp_family.h"
#include "tp_suggest.h"

typedef struct tp_observe tp_observe_t;

/*! bytes of a family's first User-Agent kept (its rule is found by it) */
#define TP_OBS_EXAMPLE_MAX 255

/*! one family as read out */
typedef struct tp_obs_family
{
	char family[TP_FAMILY_MAX + 1];
	char example[TP_OBS_EXAMPLE_MAX + 1]; /*!< a User-Agent of it, cut */
	tp_observed_t seen;
	time_t first, last; /*!< first and last seen */
} tp_obs_family_t;

/*! \return a store for max families (1 to 65536), or NULL */
tp_observe_t *tp_observe_create(unsigned int max);
void tp_observe_destroy(tp_observe_t *o);

/*!
 * Counts ev for family (already normalised) at now. \return 1 when the
 * family is new to the store, 0 when it was there, -1 for an empty family
 */
int tp_observe(tp_observe_t *o, const char *family, size_t len,
		tp_obs_event_t ev, time_t now);

/*! for tp_observe_ua(): the family is seen, nothing is counted */
#define TP_OBS_NOTHING ((tp_obs_event_t)-1)

/*! tp_observe(), also keeping ua (when not NULL) as the family's example
 * when it has none; ev may be TP_OBS_NOTHING */
int tp_observe_ua(tp_observe_t *o, const char *family, size_t len,
		const char *ua, size_t ua_len, tp_obs_event_t ev, time_t now);

/*! up to n families from the offset-th on (the store's order) into out;
 * \return how many */
unsigned int tp_observe_list(tp_observe_t *o, unsigned int offset,
		tp_obs_family_t *out, unsigned int n);

/*! one family (normalised); \return 1 found, 0 not */
int tp_observe_get(
		tp_observe_t *o, const char *family, size_t len, tp_obs_family_t *out);

/*! families held now, and evicted since start */
unsigned int tp_observe_count(tp_observe_t *o);
unsigned long tp_observe_evicted(tp_observe_t *o);

#endif /* TP_OBSERVE_H */

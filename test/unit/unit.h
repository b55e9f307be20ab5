/*
 * tcp_persona - unit tests: the test cases each file contributes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TP_UNIT_H
#define TP_UNIT_H

#include <check.h>

#define TP_ERR_LEN 256

TCase *tp_tcase_rules(void);
TCase *tp_tcase_match(void);
TCase *tp_tcase_cache(void);
TCase *tp_tcase_bind(void);
TCase *tp_tcase_track(void);
TCase *tp_tcase_owned(void);
TCase *tp_tcase_bind_admin(void);
TCase *tp_tcase_hits_once(void);
TCase *tp_tcase_match_index(void);
TCase *tp_tcase_connid(void);
TCase *tp_tcase_urihost(void);
TCase *tp_tcase_repl(void);
TCase *tp_tcase_family(void);
TCase *tp_tcase_tomb(void);
TCase *tp_tcase_suggest(void);
TCase *tp_tcase_observe(void);
TCase *tp_tcase_moconn(void);
TCase *tp_tcase_profile_rule(void);
TCase *tp_tcase_bind_model(void);
TCase *tp_tcase_bind_interleave(void);
TCase *tp_tcase_bind_hash(void);

#endif

/*
 * tcp_persona - unit test runner (Check)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdlib.h>

#include "unit.h"

int main(void)
{
	Suite *s = suite_create("tcp_persona");
	SRunner *sr;
	int failed;

	suite_add_tcase(s, tp_tcase_rules());
	suite_add_tcase(s, tp_tcase_match());
	suite_add_tcase(s, tp_tcase_cache());
	suite_add_tcase(s, tp_tcase_bind());
	suite_add_tcase(s, tp_tcase_track());
	suite_add_tcase(s, tp_tcase_owned());
	suite_add_tcase(s, tp_tcase_bind_admin());
	suite_add_tcase(s, tp_tcase_hits_once());
	suite_add_tcase(s, tp_tcase_match_index());
	suite_add_tcase(s, tp_tcase_connid());
	suite_add_tcase(s, tp_tcase_urihost());
	suite_add_tcase(s, tp_tcase_bind_model());
	suite_add_tcase(s, tp_tcase_bind_interleave());
	suite_add_tcase(s, tp_tcase_bind_hash());
	suite_add_tcase(s, tp_tcase_repl());
	suite_add_tcase(s, tp_tcase_family());
	suite_add_tcase(s, tp_tcase_tomb());
	suite_add_tcase(s, tp_tcase_suggest());
	suite_add_tcase(s, tp_tcase_observe());
	suite_add_tcase(s, tp_tcase_moconn());
	suite_add_tcase(s, tp_tcase_profile_rule());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

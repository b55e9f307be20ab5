#!/usr/bin/env bash
# The same handsets and expectations as t_classify_register.sh, with the
# routing script in Lua calling the module through KEMI.
TP_KEMI=1 TP_TEST_NAME=t_classify_register_kemi exec bash "$(dirname "$0")/t_classify_register.sh"

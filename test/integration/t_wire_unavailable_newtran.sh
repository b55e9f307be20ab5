#!/usr/bin/env bash
# t_wire_unavailable.sh with t_newtran() before persona_enforce(): the
# module's answer in request_route goes through tm (stateful) as well.
export TP_TEST_NAME=t_wire_unavailable_newtran TP_UNAVAIL_NEWTRAN=1
exec bash "$(dirname "$0")/t_wire_unavailable.sh"

# tcp_persona benchmarks: helpers shared by shm.sh and e2e.sh (sourced
# after test/integration/lib.sh and lib_wire.sh).

# bench_cfg OUT: the wire tests' P-CSCF (pcscf.cfg, cfg/wire.rules) without
# its log line per request and reply, at debug=1. The reply's log line
# becomes a no-op statement: Kamailio 5.6 rejects a route whose "{" line
# is directly followed by "#!ifdef".
bench_cfg() {
	tp_wire_cfg "$1" RULES_FILE="$TP_IT_DIR/cfg/wire.rules" LUA=/dev/null
	sed -i -e 's/^\txlog("L_INFO", "\(REQ\|RPL\) .*$/\t$var(bench) = 0;/' \
		-e 's/^debug=2/debug=1/' "$1"
}

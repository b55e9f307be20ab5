#!/usr/bin/env bash
# make bench: every benchmark of tcp_persona, one after the other, then
# doc/BENCHMARKS.md rewritten with the machine, the commands and the
# figures. Benchmarks print figures; they do not pass or fail.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$root/test/out/bench
mkdir -p "$out"
doc=$root/doc/BENCHMARKS.md
export BENCH_OUT=$out/figures.txt
start=$(date +%s)

# BENCH_DOC_ONLY=1: rewrite the document from the last run's figures
if [[ -z ${BENCH_DOC_ONLY:-} ]]; then
	: >"$BENCH_OUT"
	make -s -C "$here" all || exit 1
	echo "== 1. classification (bench/bench_classify)"
	"$here/bench_classify" "$here/data/rules.txt" "$here/data/user_agents.txt" \
		"${BENCH_CLASSIFY_ROUNDS:-7}" | tee "$out/classify.txt"
	echo "== 2. binding table (bench/bench_bindings)"
	"$here/bench_bindings" "$here/data/user_agents.txt" | tee "$out/bindings.txt"
	"$here/bench_layout" | tee "$out/layout.txt"
	echo "== 2d. persona discovery per MO dialog (bench/bench_discover)"
	"$here/bench_discover" "$here/data/user_agents.txt" | tee "$out/discover.txt"
	echo "== 2c. the timer process at 100,000 UEs (bench/bench_timer)"
	"$here/bench_timer" | tee "$out/timer.txt"
	echo "== 2b. shared memory per binding in kamailio (bench/shm.sh)"
	"$here/shm.sh" | tee "$out/shm.txt"
	echo "== 3. end to end (bench/e2e.sh)"
	"$here/e2e.sh" | tee "$out/e2e.txt"
	echo "== 4. instructions per call (bench/instr.sh), Debian's qm allocator"
	"$here/instr.sh" | tee "$out/instr.txt"
	echo "== 4b. the same with kamailio's TLSF allocator (-x tlsf)"
	BENCH_KAMAILIO_ARGS="-x tlsf" "$here/instr.sh" | tee "$out/instr-tlsf.txt"
	echo "== 5. REGISTER rate at 100,000 UEs (bench/register.sh)"
	"$here/register.sh" | tee "$out/register.txt"
	echo "== 5b. instructions per REGISTER refresh (bench/instr_register.sh, TLSF)"
	BENCH_KAMAILIO_ARGS="-x tlsf" "$here/instr_register.sh" | tee "$out/instr-register.txt"
	echo $(($(date +%s) - start)) >"$out/took"
fi
took=$(cat "$out/took" 2>/dev/null || echo "?")

# one table: every target of the three parts, met or missed, with figures
echo "== summary"
grep -hE "\b(met|MISSED)\b|^target \(" "$out/classify.txt" "$out/bindings.txt" \
	"$out/timer.txt" "$out/e2e.txt" "$out/instr.txt" "$out/instr-tlsf.txt" 2>/dev/null |
	tee "$out/summary.txt"

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores online"
	echo "- memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB; kernel $(uname -r)"
	echo "- $(. /etc/os-release && echo "$PRETTY_NAME"); kamailio" \
		"$(dpkg-query -W -f='${Version}' kamailio); PCRE2" \
		"$(dpkg-query -W -f='${Version}' libpcre2-8-0); $(gcc --version | head -1)"
	echo "- a shared virtual machine: absolute figures drift between runs;" \
		"comparisons are made within one run, alternating"
}

{
	echo "# tcp_persona benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u -r "$out/took" '+%Y-%m-%d %H:%M UTC'), in ${took} s."
	echo "Figures, not tests: see the targets of each part and the notes under it."
	echo
	echo "## Summary: the targets"
	echo
	echo '```'
	cat "$out/summary.txt"
	echo '```'
	echo
	echo "## Machine"
	echo
	machine
	echo
	echo "## 1. Classification"
	echo
	echo "\`bench/bench_classify bench/data/rules.txt bench/data/user_agents.txt ${BENCH_CLASSIFY_ROUNDS:-7}\`"
	echo "(corpus and rules from \`bench/gen_corpus.py\`). The module's matcher as the module"
	echo "uses it (PCRE2 JIT behind its per-process cache, 1024 entries) against the same rules as"
	echo "a chain of POSIX \`regexec()\` calls with the flags of kamailio.cfg's \`=~\`"
	echo "(REG_EXTENDED|REG_NOSUB|REG_ICASE) on a NUL-terminated copy of the header, and PCRE2"
	echo "without JIT. All four agree on every User-Agent before anything is timed."
	echo
	echo '```'
	cat "$out/classify.txt"
	echo '```'
	echo
	echo "## 2. Binding table"
	echo
	echo "\`bench/bench_bindings\`: the module's tp_bind*.c built standalone (calloc for shm_malloc, a"
	echo "4-byte spin lock like gen_lock_t), 1,000,000 UEs in a table of 1,000,000 (max_bindings)."
	echo
	echo '```'
	cat "$out/bindings.txt"
	echo '```'
	echo
	echo "What the lookup target needs (\`bench/bench_layout\`: a sketch, not the module's table;"
	echo "see the notes, part 2):"
	echo
	echo '```'
	cat "$out/layout.txt" 2>/dev/null
	echo '```'
	echo
	echo "Persona discovery's own work per MO dialog (\`bench/bench_discover\`: the pure code"
	echo "standalone; the in-kamailio part, a copy of the binding, comes on top):"
	echo
	echo '```'
	cat "$out/discover.txt" 2>/dev/null
	echo '```'
	echo
	echo "The timer process at scale (\`bench/bench_timer\`: 100,000 UEs in a table of 100,000, a third reuse):"
	echo
	echo '```'
	cat "$out/timer.txt"
	echo '```'
	echo
	echo "In a running kamailio (\`bench/shm.sh\`: 10,000 REGISTERs over TCP, with and without the"
	echo "module; \`kamcmd core.shmmem\` real_used before and after; Debian's build has memory"
	echo "debugging on, so each shm block carries its allocator overhead):"
	echo
	echo '```'
	cat "$out/shm.txt"
	echo '```'
	echo
	echo "## 3. End to end"
	echo
	echo "\`bench/e2e.sh\` (BENCH_RATE=${BENCH_RATE:-300} BENCH_CALLS=${BENCH_CALLS:-3000} BENCH_ROUNDS=${BENCH_ROUNDS:-5}):"
	echo "the real kamailio with test/integration/cfg/pcscf.cfg (per-message log lines removed),"
	echo "30 SIPp UEs over TCP on loopback, MT calls from a SIPp caller over UDP; CPU seconds are"
	echo "kamailio's (utime+stime of all its processes, SIPp excluded) per 1,000 calls; every run"
	echo "on loopback addresses of its own (no TIME_WAIT of an earlier run on them); min, median"
	echo "and max of the rounds, and each target as the median of its per-round paired ratios;"
	echo "configurations alternate within each round, in another order each round."
	echo
	echo '```'
	cat "$out/e2e.txt"
	echo '```'
	echo
	echo "## 4. Instructions per call"
	echo
	echo "\`bench/instr.sh\`: the same configurations under valgrind's callgrind (this VM has no"
	echo "hardware counters), ${BENCH_INSTR_CALLS:-200} MT calls at ${BENCH_INSTR_RATE:-10}/s, every kamailio process counted for"
	echo "the same window; per call, all processes but the module's timer process, which is"
	echo "counted per second. First with Debian's default pkg/shm allocator (qm), then with"
	echo "kamailio's TLSF allocator (\`-x tlsf\`): qm's search for a free block walks its size"
	echo "buckets, that walk is most of a call's instructions, and its length follows the heap's"
	echo "layout, which any module loaded changes."
	echo
	echo '```'
	cat "$out/instr.txt"
	echo
	cat "$out/instr-tlsf.txt"
	echo '```'
	echo
	echo "## 5. REGISTER rate"
	echo
	echo "\`bench/register.sh\`: 100,000 UEs register through 20 SIPp clients over TCP (each on"
	echo "its own loopback address, a Contact port per UE), then 20,000 of them refresh; kamailio's"
	echo "CPU seconds per 1,000 REGISTERs without and with the module, alternating, 3 rounds."
	echo
	echo '```'
	cat "$out/register.txt" 2>/dev/null || echo "(not run)"
	echo
	echo "bench/instr_register.sh (callgrind, TLSF): 2,000 UEs over one connection, then the"
	echo "same 2,000 refresh; instructions per refresh, all kamailio processes:"
	echo
	cat "$out/instr-register.txt" 2>/dev/null || echo "(not run)"
	echo '```'
	if [[ -f $here/NOTES.md ]]; then
		echo
		cat "$here/NOTES.md"
	fi
} >"$doc"
echo "== wrote $doc (${took} s)"

#!/usr/bin/env bash
# Runs every integration test (t_*.sh) and prints the total.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 broken=()
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
echo "integration tests against $("$KAMAILIO" -v | head -1) ($KAMAILIO)"

for t in "$here"/t_*.sh; do
	echo "== $(basename "$t")"
	out=$(bash "$t" 2>&1)
	rc=$?
	echo "$out"
	counts=$(tail -1 <<<"$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	if [[ -z $counts ]]; then
		broken+=("$(basename "$t")")
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + ${counts% *}))
	failed=$((failed + ${counts#* }))
	[[ $rc -eq 0 || ${counts#* } -gt 0 ]] || { broken+=("$(basename "$t")"); failed=$((failed + 1)); }
done
[[ ${#broken[@]} -eq 0 ]] || echo "tests that did not finish: ${broken[*]}"
echo "integration: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

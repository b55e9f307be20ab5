#!/usr/bin/env bash
# Refuses a Kamailio source tree that does not match the installed binary:
# another version, or defines that differ where the module's version/flags
# strings cannot tell (STATISTICS, ADAPTIVE_WAIT_LOOPS, CC_GCC_LIKE_ASM).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version_only=0
if [[ ${1:-} == --version-only ]]; then version_only=1; shift; fi
tree=${1:?usage: check-kamailio-tree.sh [--version-only] TREE}
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}

fail() {
	echo "tcp_persona: refusing Kamailio tree $tree: $*" >&2
	echo "tcp_persona: unset KAMAILIO_SRC to build against Debian's source" \
		"package of the installed kamailio, or point it at a matching tree" >&2
	exit 1
}

defs=$tree/src/Makefile.defs
[[ -f $defs ]] || fail "no src/Makefile.defs (not a Kamailio source tree)"
field() { sed -n "s/^$1 *= *\([^ ]*\) *$/\1/p" "$defs" | head -1; }
tree_ver="$(field VERSION).$(field PATCHLEVEL).$(field SUBLEVEL)$(field EXTRAVERSION)"
bin_ver=$("$here/kamailio-version.sh")
[[ $tree_ver == "$bin_ver" ]] ||
	fail "it is kamailio $tree_ver, the installed binary ($KAMAILIO) is $bin_ver"

[[ $version_only == 1 ]] && exit 0

mak=$tree/src/config.mak
[[ -f $mak ]] || fail "no src/config.mak (run tools/configure-kamailio-tree.sh $tree)"
cdefs=$(sed -n 's/^C_DEFS=//p' "$mak")
has_def() { [[ " $cdefs " == *" -D$1 "* || " $cdefs " == *" -D$1="* ]]; }

loops_bin=$("$KAMAILIO" -v | sed -n 's/^ADAPTIVE_WAIT_LOOPS \([0-9]*\),.*/\1/p')
loops_tree=$(sed -n 's/.*-DADAPTIVE_WAIT_LOOPS=\([0-9]*\).*/\1/p' <<<"$cdefs")
[[ $loops_bin == "$loops_tree" ]] ||
	fail "ADAPTIVE_WAIT_LOOPS is '$loops_tree', the binary has '$loops_bin'"

# The binary's dynamic symbols betray the two defines -v does not print.
syms=$(nm -D --defined-only "$KAMAILIO")
if grep -qw register_stat <<<"$syms"; then bin_stats=1; else bin_stats=0; fi
if has_def STATISTICS; then tree_stats=1; else tree_stats=0; fi
[[ $bin_stats == "$tree_stats" ]] ||
	fail "STATISTICS is $tree_stats in the tree, $bin_stats in the binary"
# Native atomics (no _atomic_lock) need CC_GCC_LIKE_ASM; the reverse does
# not hold on architectures whose atomics fall back to a lock anyway.
if ! grep -qw _atomic_lock <<<"$syms" && ! has_def CC_GCC_LIKE_ASM; then
	fail "CC_GCC_LIKE_ASM is 0 in the tree, the binary uses native atomics"
fi
exit 0

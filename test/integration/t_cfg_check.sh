#!/usr/bin/env bash
# kamailio -c accepts a good configuration and rejects each bad rule with
# one line that names the rule and what is wrong.
source "$(dirname "$0")/lib.sh"
tp_workdir

# mkcfg MODPARAM_LINE...: a minimal cfg loading the module with these lines
mkcfg() {
	local cfg line
	cfg=$(mktemp -p "$TP_WORK" check-XXXXXX.cfg)
	{
		echo '#!KAMAILIO'
		echo "listen=tcp:$TP_PROXY_IP:$TP_PROXY_PORT"
		echo "mpath=\"$TP_MODULES_DIR/\""
		echo "loadmodule \"$TP_MODULE\""
		for line in "$@"; do echo "$line"; done
		echo 'request_route { persona_match("$ua"); }'
	} >"$cfg"
	echo "$cfg"
}

# rejects WHAT EXPECTED_LOG_TEXT MODPARAM_LINE...
rejects() {
	local what=$1 want=$2 cfg out rc
	shift 2
	cfg=$(mkcfg "$@")
	out=$("$KAMAILIO" -c -f "$cfg" 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]] && grep -qF -- "$want" <<<"$out"; then
		tp_pass "rejects $what"
	else
		tp_fail "rejects $what: exit $rc, want [$want] in: $(grep -E 'ERROR|CRIT' <<<"$out" | head -3)"
	fi
}

accepts() {
	local what=$1 cfg out
	shift
	cfg=$(mkcfg "$@")
	if out=$("$KAMAILIO" -c -f "$cfg" 2>&1); then
		tp_pass "accepts $what"
	else
		tp_fail "accepts $what: $(grep -E 'ERROR|CRIT' <<<"$out" | head -3)"
	fi
}

mp() { echo "modparam(\"tcp_persona\", \"$1\", \"$2\")"; }

good_file=$TP_WORK/good.rules
printf '# comment\n\nname=pixel;mode=transaction;ua=^Google_Pixel\n' >"$good_file"
bad_file=$TP_WORK/bad.rules
printf '# comment\nname=pixel;mode=transaction;ua=^Google_Pixel\n\nname=nope;mode=sometimes;ua=x\n' >"$bad_file"
dup_file=$TP_WORK/dup.rules
printf 'name=apple;mode=dialog;ua=x\n' >"$dup_file"
re_file=$TP_WORK/re.rules
printf 'name=a;mode=dialog;ua=a\nname=br;mode=dialog;ua=[z-a]\n' >"$re_file"

accepts "the issue's example rules, a rules file and a default mode" \
	"$(mp rule 'name=samsung-s2x;mode=dialog;ua=^SM-S9[0-9]{2}.* Samsung IMS')" \
	"$(mp rule 'name=apple;mode=reuse;ua=^iOS/[0-9.]+ iPhone')" \
	"$(mp default_mode none)" "$(mp rules_file "$good_file")"
accepts "every mode, and the module without any rule" \
	"$(mp rule 'name=a;mode=none;ua=a')" "$(mp rule 'name=b;mode=reuse;ua=b')" \
	"$(mp rule 'mode=dialog;name=c;ua=c')" "$(mp rule 'name=d;mode=transaction;ua=d')"
accepts "no rules at all"

rejects "an unknown mode" \
	"rule #2 'apple' [name=apple;mode=rouse;ua=^iOS/]: column 17: unknown mode 'rouse' (use none, reuse, dialog or transaction)" \
	"$(mp rule 'name=a;mode=none;ua=a')" "$(mp rule 'name=apple;mode=rouse;ua=^iOS/')"
rejects "an unknown key" \
	"rule #1 'a' [name=a;mode=dialog;agent=x;ua=y]: column 20: unknown key 'agent' (use name, mode, observe, then ua)" \
	"$(mp rule 'name=a;mode=dialog;agent=x;ua=y')"
rejects "a missing name" \
	"rule #1 [mode=dialog;ua=y]: column 1: missing key 'name'" \
	"$(mp rule 'mode=dialog;ua=y')"
rejects "a missing mode" \
	"rule #1 'a' [name=a;ua=y]: column 1: missing key 'mode'" \
	"$(mp rule 'name=a;ua=y')"
rejects "a missing ua" \
	"rule #1 'a' [name=a;mode=reuse]: column 18: missing key 'ua' (it comes last)" \
	"$(mp rule 'name=a;mode=reuse')"
rejects "an empty regex" \
	"rule #1 'a' [name=a;mode=reuse;ua=]: column 22: empty regex after 'ua='" \
	"$(mp rule 'name=a;mode=reuse;ua=')"
rejects "a bad name" \
	"rule #1 [name=a b;mode=reuse;ua=x]: column 7: invalid character ' ' in name 'a b'" \
	"$(mp rule 'name=a b;mode=reuse;ua=x')"
rejects "a duplicate name" \
	"rule #2 'a' [name=a;mode=dialog;ua=y]: duplicate name 'a' (first defined by rule #1)" \
	"$(mp rule 'name=a;mode=reuse;ua=x')" "$(mp rule 'name=a;mode=dialog;ua=y')"
rejects "a regex that does not compile (PCRE2's message and offset)" \
	"rule #1 'bad' [name=bad;mode=dialog;ua=^SM-(S9]: column 32: regex error at offset 7: missing closing parenthesis" \
	"$(mp rule 'name=bad;mode=dialog;ua=^SM-(S9')"
rejects "a bad rule in the rules file, by file and line" \
	"$bad_file:4 'nope' [name=nope;mode=sometimes;ua=x]: column 16: unknown mode 'sometimes'" \
	"$(mp rules_file "$bad_file")"
rejects "a bad regex in the rules file" \
	"$re_file:2 'br' [name=br;mode=dialog;ua=[z-a]]: column 27: regex error at offset 3: range out of order in character class" \
	"$(mp rules_file "$re_file")"
rejects "a file rule named like a modparam rule" \
	"$dup_file:1 'apple' [name=apple;mode=dialog;ua=x]: duplicate name 'apple' (first defined by rule #1)" \
	"$(mp rule 'name=apple;mode=reuse;ua=^iOS/')" "$(mp rules_file "$dup_file")"
rejects "a modparam rule named like an earlier file rule" \
	"rule #1 'apple' [name=apple;mode=reuse;ua=^iOS/]: duplicate name 'apple' (first defined by $dup_file:1)" \
	"$(mp rules_file "$dup_file")" "$(mp rule 'name=apple;mode=reuse;ua=^iOS/')"
rejects "a rules file that is not there" \
	"rules_file '$TP_WORK/none.rules': cannot open: No such file or directory" \
	"$(mp rules_file "$TP_WORK/none.rules")"
rejects "two rules files" \
	"rules_file given twice ('$good_file', then '$dup_file'): one file only" \
	"$(mp rules_file "$good_file")" "$(mp rules_file "$dup_file")"
rejects "default_mode given twice" \
	"default_mode given twice (now 'dialog'): one value only" \
	"$(mp default_mode none)" "$(mp default_mode dialog)"
longdir=$TP_WORK/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))
mkdir -p "$longdir"
printf 'name=a;mode=dialog;ua=a\nname=b;mode=often;ua=b\n' >"$longdir/long.rules"
rejects "a bad rule in a file with a long path, still by line" \
	"$longdir/long.rules:2 'b' [name=b;mode=often;ua=b]: column 13: unknown mode 'often'" \
	"$(mp rules_file "$longdir/long.rules")"
rejects "an unknown default mode" \
	"invalid default_mode 'sometimes' (use none, reuse, dialog or transaction)" \
	"$(mp default_mode sometimes)"

# integer limits are checked when the module starts, which -c skips
cfg=$(mkcfg "modparam(\"tcp_persona\", \"ua_max_len\", 8)")
out=$(timeout 20 "$KAMAILIO" -f "$cfg" -DD -E -m 16 -M 4 -Y "$TP_WORK" 2>&1)
rc=$?
if [[ $rc -ne 0 && $out == *'invalid "ua_max_len" value: 8, must be 16 to 8192'* ]]; then
	tp_pass "startup stops on ua_max_len out of range"
else
	tp_fail "startup stops on ua_max_len out of range (exit $rc)"
fi

# the classification cache must leave most of a worker's pkg memory free
cfg=$(mkcfg "modparam(\"tcp_persona\", \"ua_max_len\", 8192)")
out=$(timeout 20 "$KAMAILIO" -f "$cfg" -DD -E -m 16 -M 8 -Y "$TP_WORK" 2>&1)
rc=$?
if [[ $rc -ne 0 && $out == *'cache_size 1024 x ua_max_len 8192 needs up to'*'lower cache_size or ua_max_len, or raise -M'* ]]; then
	tp_pass "startup stops when the cache could eat a worker's pkg memory"
else
	tp_fail "startup stops when the cache could eat a worker's pkg memory (exit $rc)"
fi

tp_done

#!/usr/bin/env bash
# tcp_persona.reload against a running Kamailio (classify.cfg): a good file
# switches every worker (seen in the X-Persona header of REGISTER answers),
# a bad or missing file keeps the old set whole, bad parameters get error
# replies; per-rule hits survive a reload by name.
source "$(dirname "$0")/lib.sh"
tp_workdir

RULES=$TP_WORK/persona.rules
cp "$TP_IT_DIR/cfg/personas.rules" "$RULES"
tp_cfg "$TP_IT_DIR/cfg/classify.cfg" "$TP_WORK/kamailio.cfg" RULES_FILE="$RULES"
if ! tp_kamailio_start "$TP_WORK/kamailio.cfg"; then
	tp_fail "kamailio starts with the module"
	tp_done
	exit
fi

# both workers: tcp_children=2, each REGISTER on a new connection; four
# REGISTERs reach both with near certainty, and all must agree
register_all() {
	local i out=()
	for i in 1 2 3 4; do out+=("$(tp_register_persona "$1")"); done
	printf '%s\n' "${out[@]}" | sort -u | paste -sd'|'
}

flat() {
	tp_kamcmd "$@" 2>&1 | sed -n 's/^\t\([a-z_]*\): \(.*\)$/\1=\2/p;/^error/p' |
		paste -sd' '
}
field() { tp_kamcmd "$1" | sed -n "s/^\t$2: //p"; }

PIXEL="Google_Pixel8_Android 16_BP4A.260205.001"
FAIR="Fairphone_Fairphone 6_FP6.QREL.15.151.0"

tp_eq "before: the Pixel gets the file's rule" \
	"rc=1;name=pixel;mode=transaction;before=null" "$(register_all "$PIXEL")"
tp_eq "before: the Fairphone matches nothing" \
	"rc=-1;name=;mode=transaction;before=null" "$(register_all "$FAIR")"
tp_eq "hits: 4 REGISTERs counted for pixel (cache hits included)" "4" \
	"$(tp_kamcmd tcp_persona.rules | sed -n '/name: pixel$/,/}/s/^\thits: //p')"
tp_eq "stats: generation 0, 8 rules" "8 0" \
	"$(field tcp_persona.stats rules) $(field tcp_persona.stats generation)"

# a new file: the Pixel moves to reuse, a Fairphone rule comes first
cat >"$RULES" <<'RULES'
name=fairphone;mode=dialog;ua=^Fairphone_
name=pixel;mode=reuse;ua=^Google_Pixel[0-9]+_Android
RULES
tp_eq "reload: a good file is taken, the reply counts modparam + file rules" \
	"file=$RULES rules=4 generation=1 reclassified=0 changed=0 dmq_broadcast=0" \
	"$(flat tcp_persona.reload)"
tp_eq "reload: rules in the new order, modparam rules first" \
	"samsung-s2x apple fairphone pixel" \
	"$(tp_kamcmd tcp_persona.rules | sed -n 's/^\tname: //p' | paste -sd' ')"
tp_eq "reload: every worker uses the new set (Pixel)" \
	"rc=1;name=pixel;mode=reuse;before=null" "$(register_all "$PIXEL")"
tp_eq "reload: every worker uses the new set (Fairphone)" \
	"rc=1;name=fairphone;mode=dialog;before=null" "$(register_all "$FAIR")"
tp_eq "hits: pixel kept its 4 and counted 4 more; fairphone has 4" "8 4" \
	"$(tp_kamcmd tcp_persona.rules | sed -n '/name: pixel$/,/}/s/^\thits: //p') $(tp_kamcmd tcp_persona.rules | sed -n '/name: fairphone$/,/}/s/^\thits: //p')"

# a bad regex on line 3: nothing changes anywhere
cp "$RULES" "$TP_WORK/good.rules"
cat >"$RULES" <<'RULES'
name=pixel;mode=dialog;ua=^Google_Pixel
# the next one is broken
name=broken;mode=dialog;ua=^(unclosed
RULES
tp_eq "reload: a bad file is refused with file, line, rule and problem" \
	"error: 500 - $RULES:3 'broken' [name=broken;mode=dialog;ua=^(unclosed]: column 38: regex error at offset 10: missing closing parenthesis (the old rule set stays active)" \
	"$(flat tcp_persona.reload)"
tp_eq "bad file: the old rules stay, in order" \
	"samsung-s2x apple fairphone pixel" \
	"$(tp_kamcmd tcp_persona.rules | sed -n 's/^\tname: //p' | paste -sd' ')"
tp_eq "bad file: generation unchanged" "1" "$(field tcp_persona.stats generation)"
tp_eq "bad file: the workers keep the old set" \
	"rc=1;name=pixel;mode=reuse;before=null" "$(register_all "$PIXEL")"
tp_check "bad file: the error is logged too" \
	grep -q "tcp_persona.reload: $RULES:3 'broken'" "$TP_WORK/kamailio.log"

long=$(printf 'x%.0s' $(seq 1 300))
printf 'name=long;mode=dialog;ua=^(%s\n' "$long" >"$RULES"
tp_eq "reload: the reason of a long bad rule fits in the reply (rule text cut)" \
	"error: 500 - $RULES:1 'long' [name=long;mode=dialog;ua=^(xxxxxxxxxxxxxxxxxxxxx...]: column 328: regex error at offset 302: missing closing parenthesis (the old rule set stays active)" \
	"$(flat tcp_persona.reload)"

printf 'name=ok;mode=dialog;ua=^x\nname=ok;mode=reuse;ua=^y\n' >"$RULES"
tp_eq "reload: a duplicate name is refused" \
	"error: 500 - $RULES:2 'ok' [name=ok;mode=reuse;ua=^y]: duplicate name 'ok' (first defined by $RULES:1) (the old rule set stays active)" \
	"$(flat tcp_persona.reload)"
rm -f "$RULES"
tp_eq "reload: a missing file is refused" \
	"error: 500 - rules_file '$RULES': cannot open: No such file or directory (the old rule set stays active)" \
	"$(flat tcp_persona.reload)"
tp_eq "missing file: still the old set" "rc=1;name=fairphone;mode=dialog;before=null" \
	"$(register_all "$FAIR")"

tp_eq "reload: an unknown parameter is an error reply" \
	"error: 400 - unknown parameter 'now': expected none or 'reclassify'" \
	"$(flat tcp_persona.reload now)"
tp_eq "reload: a numeric parameter is an error reply" \
	"error: 400 - unknown parameter '1': expected none or 'reclassify'" \
	"$(flat tcp_persona.reload 1)"
tp_eq "reload: a parameter after reclassify is an error reply" \
	"error: 400 - expected none or 'reclassify'" \
	"$(flat tcp_persona.reload reclassify x)"
tp_eq "stats: a parameter is an error reply" \
	"error: 400 - no parameters expected" "$(flat tcp_persona.stats x)"

cp "$TP_WORK/good.rules" "$RULES"
tp_eq "reload reclassify without bindings: nothing re-matched" \
	"file=$RULES rules=4 generation=2 reclassified=0 changed=0 dmq_broadcast=0" \
	"$(flat tcp_persona.reload reclassify)"
# an empty file is a valid set: the modparam rules only
: >"$RULES"
tp_eq "reload: an empty file leaves the modparam rules" \
	"file=$RULES rules=2 generation=3 reclassified=0 changed=0 dmq_broadcast=0" \
	"$(flat tcp_persona.reload)"
tp_eq "empty file: workers fall back to the default mode" \
	"rc=-1;name=;mode=transaction;before=null" "$(register_all "$PIXEL")"

tp_check "kamailio is still running" kill -0 "$TP_KAM_PID"
no_trouble() { ! grep -qE "out of memory|no memory|cannot switch|segfault|CRITICAL" "$TP_WORK/kamailio.log"; }
tp_check "no process failed to switch, crashed or ran out of memory" no_trouble
tp_done

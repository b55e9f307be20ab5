#!/usr/bin/env bash
# make doc: the DocBook is valid (offline, DTD from the local catalog), the
# plain-text README renders without a single message from xmllint, xsltproc
# or lynx, it has the guide's sections and the whole example cfg, and the
# committed modules/tcp_persona/README is exactly what doc/ renders today.
# Needs no module build and no Kamailio process.
source "$(dirname "$0")/lib.sh"
tp_workdir

readme=$TP_ROOT/modules/tcp_persona/README
out=$TP_WORK/README

# tp_make ARG...: `make doc` at the top of the repo, quiet, combined output
tp_make() {
	make -s --no-print-directory -C "$TP_ROOT" doc "$@" 2>&1
}

# the DTD must come from disk: --nonet below would fail on a download
tp_eq "the DocBook 4.4 DTD resolves through /etc/xml/catalog to a local file" \
	"file:///usr/share/xml/docbook/schema/dtd/4.4/docbookx.dtd" \
	"$(xmlcatalog /etc/xml/catalog '-//OASIS//DTD DocBook XML V4.4//EN' 2>&1)"
tp_eq "xmllint --valid on doc/tcp_persona.xml prints nothing" "" \
	"$(cd "$TP_ROOT" && xmllint --noout --valid --noent --nonet doc/tcp_persona.xml 2>&1)"

before=$(sha256sum "$readme" 2>/dev/null)
msgs=$(tp_make DOC_OUT="$out")
rc=$?
tp_eq "make doc exits 0" 0 "$rc"
tp_eq "make doc prints only the file it wrote (no warning from any tool)" \
	"tcp_persona: wrote $out" "$msgs"
tp_eq "make doc with DOC_OUT leaves the committed README alone" \
	"$before" "$(sha256sum "$readme" 2>/dev/null)"
tp_ascii() { ! LC_ALL=C grep -qP '[^\x00-\x7F]' "$1"; }
tp_check "the README is plain ASCII" tp_ascii "$out"

for title in "Overview" "Personas on the wire" "Choosing a persona" \
	"Dependencies" "Rule syntax" "Parameters" "event_callback (string)" \
	"unmatched_interval (int)" "enable_dmq (int)" "Functions" "persona_match(ua)" \
	"persona_bind()" "persona_enforce()" "\$persona(key)" "RPC Commands" \
	"tcp_persona.rules" "tcp_persona.match" "tcp_persona.reload" \
	"tcp_persona.bindings" "tcp_persona.binding" "tcp_persona.unbind" \
	"tcp_persona.nodes" "tcp_persona.profile" "tcp_persona.profile_rules" \
	"tcp_persona.stats" "Statistics" "Prometheus" "Event Routes" \
	"event_route[tcp_persona:reuse-unavailable]" \
	"event_route[tcp_persona:unmatched]" \
	"event_route[tcp_persona:new-family]" "KEMI" \
	"Observe-only rules" "Finding a phone's persona" "discover_families (int)" \
	"discover_mt_sample (int)" \
	"Example P-CSCF configuration" \
	"Finding the persona of an unknown phone" \
	"Coexistence with other modules" "Limits and shared memory sizing" \
	"Several P-CSCFs" "Known limits" "Building and installing"; do
	tp_check "section '$title'" grep -qE "^1\.[0-9.]+ $(sed 's/[][().$*]/\\&/g' <<<"$title")\$" "$out"
done
# the seed's three ladders, as examples (titles may wrap after the colon)
for ladder in "dialog (manufacturer A)" "transaction (manufacturer B)" \
	"reuse (manufacturer C)"; do
	tp_check "ladder example '$ladder'" grep -qE \
		"^   Example 1\.[0-9]+\. $(sed 's/[][().$*]/\\&/g' <<<"$ladder"): " "$out"
done
for step in "PCSCF:44738 -> UE:5060   BYE                 transaction 2" \
	"PCSCF:32627 -> UE:5060   SYN, SYN/ACK, ACK   the proxy opens again" \
	"PCSCF:5060 -> UE:49152   INVITE              MT: same connection"; do
	tp_check "ladder step '$step'" grep -qxF -- "$step" "$out"
done

# every line of the example cfg, verbatim (tabs as lynx expands them)
missing=0
while IFS= read -r line; do
	line=$(expand <<<"$line" | sed 's/[[:space:]]*$//')
	[[ -z $line ]] && continue
	grep -qxF -- "$line" "$out" || { missing=$((missing + 1)); echo "  not in README: $line"; }
done <"$TP_ROOT/doc/example-pcscf.cfg"
tp_eq "doc/example-pcscf.cfg is in the README whole, no line wrapped" 0 "$missing"

tp_check "the committed modules/tcp_persona/README is what doc/ renders (run make doc)" \
	cmp -s "$readme" "$out"

# a broken document fails make doc, says which tool complained, writes nothing
mkdir -p "$TP_WORK/bad"
cp "$TP_ROOT"/doc/*.xml "$TP_ROOT"/doc/example-pcscf.cfg "$TP_WORK/bad/"
sed -i '0,/<para>/s//<para><bogus\/>/' "$TP_WORK/bad/tcp_persona_rpc.xml"
msgs=$(tp_make DOC_MAIN="$TP_WORK/bad/tcp_persona.xml" DOC_OUT="$TP_WORK/bad.txt")
rc=$?
tp_check "an element the DTD does not know fails make doc" test "$rc" -ne 0
tp_check "... naming xmllint and the element" \
	grep -qzE "xmllint failed or warned.*bogus" <<<"$msgs"
tp_check "... and writes no README" test ! -e "$TP_WORK/bad.txt"

cp "$TP_ROOT"/doc/tcp_persona_rpc.xml "$TP_WORK/bad/"
rm "$TP_WORK/bad/example-pcscf.cfg"
msgs=$(tp_make DOC_MAIN="$TP_WORK/bad/tcp_persona.xml" DOC_OUT="$TP_WORK/bad.txt")
rc=$?
tp_check "a missing XInclude (the example cfg) fails make doc at xsltproc" \
	test "$rc" -ne 0 -a ! -e "$TP_WORK/bad.txt"
tp_check "... naming xsltproc" grep -qF "xsltproc failed or warned" <<<"$msgs"

tp_done

#!/usr/bin/env bash
# The build: refuses Kamailio trees and modules that do not match the
# installed binary, and builds in-tree as a drop-in module.
source "$(dirname "$0")/lib.sh"
tp_workdir
tools=$TP_ROOT/tools
tree=$("$tools/kamailio-tree.sh") || { tp_fail "the build tree is there"; tp_done; exit; }
binver=$("$tools/kamailio-version.sh")
# "kamailio 5.6.3 (x86_64/linux)" and the adaptive wait loops of the binary
fullver=$("$KAMAILIO" -v | sed -n 's/^version: \(.*)\).*$/\1/p')
loops=$("$KAMAILIO" -v | sed -n 's/^ADAPTIVE_WAIT_LOOPS \([0-9]*\),.*/\1/p')

# fake TREE: a copy of the real tree's Makefile.defs and config.mak only
fake() {
	mkdir -p "$1/src"
	cp "$tree/src/Makefile.defs" "$tree/src/config.mak" "$1/src/"
}

# refused WHAT WANT TREE: make with KAMAILIO_SRC=TREE fails, saying WANT
refused() {
	local out rc
	out=$(make -s -C "$TP_ROOT" module KAMAILIO_SRC="$3" 2>&1)
	rc=$?
	if [[ $rc -ne 0 && $out == *"$2"* ]]; then
		tp_pass "refuses $1"
	else
		tp_fail "refuses $1 (exit $rc): $(tail -2 <<<"$out")"
	fi
}

fake "$TP_WORK/other-version"
sed -i 's/^SUBLEVEL = .*/SUBLEVEL =  99/' "$TP_WORK/other-version/src/Makefile.defs"
refused "a tree of another version" \
	"refusing Kamailio tree $TP_WORK/other-version: it is kamailio ${binver%.*}.99, the installed binary ($KAMAILIO) is $binver" \
	"$TP_WORK/other-version"

fake "$TP_WORK/no-stats"
sed -i 's/ -DSTATISTICS / /' "$TP_WORK/no-stats/src/config.mak"
refused "a tree configured without STATISTICS" \
	"STATISTICS is 0 in the tree, 1 in the binary" "$TP_WORK/no-stats"

fake "$TP_WORK/loops"
sed -i 's/-DADAPTIVE_WAIT_LOOPS=[0-9]*/-DADAPTIVE_WAIT_LOOPS=7/' "$TP_WORK/loops/src/config.mak"
refused "a tree with another ADAPTIVE_WAIT_LOOPS" \
	"ADAPTIVE_WAIT_LOOPS is '7', the binary has '$loops'" "$TP_WORK/loops"

fake "$TP_WORK/no-asm"
sed -i 's/ -DCC_GCC_LIKE_ASM / /' "$TP_WORK/no-asm/src/config.mak"
refused "a tree without CC_GCC_LIKE_ASM" \
	"CC_GCC_LIKE_ASM is 0 in the tree, the binary uses native atomics" "$TP_WORK/no-asm"

refused "a folder that is no Kamailio tree" "no src/Makefile.defs" "$TP_WORK"

# modules carrying other version or flags strings than the binary
flags=$("$KAMAILIO" -v | sed -n 's/^flags: //p')
fakeso() {
	printf 'char *module_version = "%s";\nchar *module_flags = "%s";\n' "$2" "$3" \
		>"$TP_WORK/$1.c"
	gcc -shared -fPIC -o "$TP_WORK/$1.so" "$TP_WORK/$1.c"
}
fakeso oldver "${fullver/$binver/0.0.1}" "$flags"
out=$("$tools/check-module.sh" "$TP_WORK/oldver.so" 2>&1)
tp_check "the module check refuses another version string" \
	grep -qF "was not built for '$fullver'" <<<"$out"
fakeso noflags "$fullver" "${flags/USE_TLS, /}"
out=$("$tools/check-module.sh" "$TP_WORK/noflags.so" 2>&1)
tp_check "the module check refuses other compile flags" \
	grep -q "has other compile flags than" <<<"$out"
tp_check "the module check accepts the built module" \
	"$tools/check-module.sh" "$TP_MODULE"

tp_check "make with KAMAILIO_SRC set to the matching tree builds" \
	tp_quiet make -s -C "$TP_ROOT" module KAMAILIO_SRC="$tree"

# make install into a staging root: the binary's module directory
stage=$TP_WORK/stage
tp_check "make install puts the module into kamailio's module directory" \
	tp_quiet make -s -C "$TP_ROOT" install DESTDIR="$stage"
tp_check "the installed module is the built one" \
	cmp "$TP_MODULE" "$stage/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/kamailio/modules/tcp_persona.so"

# drop-in: the module folder inside a copy of the tree, built by its make
cp -a "$tree" "$TP_WORK/tree"
dst=$TP_WORK/tree/src/modules/tcp_persona
mkdir -p "$dst"
(cd "$TP_ROOT/modules/tcp_persona" && cp Makefile CMakeLists.txt *.c *.h "$dst/")
if make -C "$TP_WORK/tree" modules=modules/tcp_persona modules \
	>"$TP_WORK/intree.log" 2>&1; then
	tp_pass "builds in-tree with the tree's make modules=modules/tcp_persona"
else
	tp_fail "builds in-tree: $(tail -3 "$TP_WORK/intree.log")"
fi
tp_check "the in-tree module matches the binary" "$tools/check-module.sh" "$dst/tcp_persona.so"
printf '#!KAMAILIO\nlisten=tcp:%s:%s\nmpath="%s/"\nloadmodule "%s"\n' \
	"$TP_PROXY_IP" "$TP_PROXY_PORT" "$TP_MODULES_DIR" "$dst/tcp_persona.so" \
	>"$TP_WORK/intree.cfg"
tp_check "kamailio loads the in-tree module" \
	tp_quiet "$KAMAILIO" -c -f "$TP_WORK/intree.cfg"
rm -rf "$TP_WORK/tree"

# 6.0: the tree's CMake build too (CMakeLists.txt), with its own kamailio
# (tools/kamailio-6.0-cmake.sh says why it is a pair of its own); the demo
# on that pair must show every persona on the wire
if [[ $binver == 6.0.* ]]; then
	source "$TP_IT_DIR/lib_wire.sh"
	out=$(TP_PROXY_IP=$TP_PROXY_IP TP_PROXY_PORT=$TP_PROXY_PORT TP_UE_IPS=$TP_UE_IPS \
		TP_NET_IP=$TP_NET_IP KAMAILIO_SRC= "$tools/with-kamailio.sh" 6.0-cmake \
		"$TP_ROOT/demo/run.sh" 2>&1)
	tp_check "the CMake build of the 6.0 tree builds kamailio and tcp_persona" \
		grep -q "^== version: kamailio 6.0.0-rc0 .*(.*/build-cmake/src/kamailio)$" <<<"$out"
	tp_check "the demo on the CMake-built pair: 3 of 3 handsets on the wire" \
		grep -qx "3 of 3 handsets got their persona on the wire (capture: .*)" <<<"$out"
	[[ $tp_failed == 0 ]] || tail -20 <<<"$out"
fi

tp_done

#!/usr/bin/env bash
# Builds tcp_persona inside the Kamailio tree KAMAILIO_SRC, with the
# tree's own Makefiles (src/modules/tcp_persona), after checking that the
# tree matches the binary KAMAILIO; then checks the module's version and
# flags strings against that binary. Prints the module's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${KAMAILIO_SRC:?KAMAILIO_SRC: the Kamailio tree}
# 6.0-cmake: the tree's CMake build (its own kamailio; built by with-kamailio)
if [[ -n ${TP_CMAKE_BUILD:-} ]]; then
	"$here/kamailio-6.0-cmake.sh" "$tree" >/dev/null
	echo "$TP_CMAKE_BUILD/src/modules/tcp_persona/tcp_persona.so"
	exit 0
fi
"$here/check-kamailio-tree.sh" "$tree" >&2
dst=$tree/src/modules/tcp_persona
mkdir -p "$dst"
# the sources as they are now (times kept: unchanged ones are not rebuilt)
rm -f "$dst"/*.c "$dst"/*.h
cp -p "$here"/../modules/tcp_persona/{*.c,*.h,Makefile,CMakeLists.txt} "$dst/"
make -s -C "$tree/src" modules modules=modules/tcp_persona >"$dst/build.log" 2>&1 || {
	cat "$dst/build.log" >&2
	exit 1
}
"$here/check-module.sh" "$dst/tcp_persona.so" >&2
echo "$dst/tcp_persona.so"

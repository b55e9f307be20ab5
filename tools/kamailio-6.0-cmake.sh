#!/usr/bin/env bash
# Kamailio 6.0's CMake build, for KAMAILIO_VERSION=6.0-cmake: the 6.0 tree
# of tools/kamailio-6.0.sh built a second time with its CMakeLists.txt, in
# TREE/build-cmake, with tcp_persona dropped into src/modules/ like any of
# Kamailio's modules. Builds kamailio, the modules the demo loads and
# tcp_persona (incrementally after the first time), checks the module
# against that kamailio and prints the build folder.
#
# This build is its own pair: the 6.0.1 tree's CMakeLists.txt still says
# 6.0.0-rc0 and CMake's defaults leave out USE_FUTEX and MEM_JOIN_FREE,
# so its kamailio and modules load nothing of the Makefile build's, and
# the reverse (kamailio compares version and flags strings at load).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-$("$here/kamailio-6.0.sh")}
build=$tree/build-cmake
modules="tm sl rr pv xlog textops siputils maxfwd kex ctl usrloc registrar dialog tcp_persona"

dst=$tree/src/modules/tcp_persona
mkdir -p "$dst"
rm -f "$dst"/*.c "$dst"/*.h
cp -p "$here"/../modules/tcp_persona/{*.c,*.h,Makefile,CMakeLists.txt} "$dst/"
log=$build.log
if [[ ! -f $build/CMakeCache.txt ]]; then
	cmake -S "$tree" -B "$build" -DMODULE_GROUP_NAME="" \
		-DINCLUDE_MODULES="$modules" >"$log" 2>&1 ||
		{ echo "tcp_persona: cmake configure failed (see $log)" >&2; exit 1; }
fi
# a new or removed source file needs the glob in CMakeLists.txt re-run
cmake "$build" >>"$log" 2>&1
cmake --build "$build" -j2 >>"$log" 2>&1 ||
	{ echo "tcp_persona: the CMake build failed (see $log)" >&2; exit 1; }
KAMAILIO=$build/src/kamailio "$here/check-module.sh" \
	"$build/src/modules/tcp_persona/tcp_persona.so" >&2
echo "$build"

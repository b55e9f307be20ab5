#!/usr/bin/env bash
# Runs a command against the Kamailio version asked for (KAMAILIO_VERSION):
# empty or 5.6, the installed Debian 12 kamailio as it is; 6.0, Debian 13's
# kamailio 6.0 built under build/ (tools/kamailio-6.0.sh): its binary,
# kamcmd, modules and tree, and the tcp_persona built in that tree;
# 6.0-cmake, the same tree built with its CMakeLists.txt instead
# (tools/kamailio-6.0-cmake.sh), tcp_persona included.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ $# -lt 2 ]]; then
	echo "usage: with-kamailio.sh VERSION COMMAND... (VERSION may be empty)" >&2
	exit 2
fi
version=$1
shift
case $version in
"" | 5.6) ;;
6.0)
	tree=$("$here/kamailio-6.0.sh")
	export KAMAILIO=$tree/src/kamailio KAMCMD=$tree/utils/kamcmd/kamcmd
	# a tree given (the build's refusal tests) is checked, not replaced
	export TP_MODULES_DIR=$tree/src/modules KAMAILIO_SRC=${KAMAILIO_SRC:-$tree}
	export TP_MODULE=$tree/src/modules/tcp_persona/tcp_persona.so
	;;
6.0-cmake)
	tree=$("$here/kamailio-6.0.sh")
	build=$("$here/kamailio-6.0-cmake.sh" "$tree")
	export KAMAILIO=$build/src/kamailio KAMCMD=$tree/utils/kamcmd/kamcmd
	export TP_MODULES_DIR=$build/src/modules TP_CMAKE_BUILD=$build KAMAILIO_SRC=$tree
	export TP_MODULE=$build/src/modules/tcp_persona/tcp_persona.so
	;;
*)
	echo "tcp_persona: KAMAILIO_VERSION=$version: use 5.6 (the installed" \
		"kamailio), 6.0 (Debian 13's, built under build/) or 6.0-cmake" \
		"(the same, built with CMake)" >&2
	exit 1
	;;
esac
exec "$@"

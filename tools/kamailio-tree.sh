#!/usr/bin/env bash
# Prints the path of the Kamailio source tree to build against, after checking
# that it matches the installed binary: KAMAILIO_SRC when set, else Debian's
# source package of the installed kamailio, fetched into build/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [[ -n ${KAMAILIO_SRC:-} ]]; then
	tree=$(cd "$KAMAILIO_SRC" 2>/dev/null && pwd) || {
		echo "tcp_persona: KAMAILIO_SRC=$KAMAILIO_SRC is not a directory" >&2
		exit 1
	}
	# a tree never configured gets Debian's configuration
	if [[ -f $tree/src/Makefile.defs && ! -f $tree/src/config.mak ]]; then
		"$here/check-kamailio-tree.sh" --version-only "$tree"
		"$here/configure-kamailio-tree.sh" "$tree"
	fi
else
	tree=$("$here/fetch-kamailio-src.sh" "${BUILD_DIR:-$here/../build}")
fi
"$here/check-kamailio-tree.sh" "$tree"
echo "$tree"

#!/bin/sh
# /usr/bin/tillbox: runs the installed tillbox with a Node.js >= 20, whichever one the machine has
# (Raspberry Pi OS trixie ships 20.x as /usr/bin/node), and refuses an older one in plain words.
# TBX_NODE picks the node binary (only that one: an explicit choice that is too old is refused, not
# replaced by another); TBX_NODE_FLAGS are node flags for this process only (the unit sets
# the tap's V8 flags there; they are unset before exec so the analytics child does not inherit them).
set -eu
TILLBOX_HOME=@TILLBOX_HOME@
MIN_MAJOR=20

node=""
seen=""
if [ -n "${TBX_NODE:-}" ]; then
  candidates=$TBX_NODE
else
  candidates="/usr/bin/node /usr/local/bin/node $(command -v node 2>/dev/null || true) /usr/bin/nodejs"
fi
# shellcheck disable=SC2086 # paths without spaces, split on purpose
for cand in $candidates; do
  [ -e "$cand" ] || continue
  [ -x "$cand" ] || { seen="$seen $cand (not executable)"; continue; }
  version=$("$cand" --version 2>/dev/null) || continue
  major=${version#v}
  major=${major%%.*}
  case $major in '' | *[!0-9]*) continue ;; esac
  if [ "$major" -ge "$MIN_MAJOR" ]; then
    node=$cand
    break
  fi
  seen="$seen $cand ($version)"
done
if [ -z "$node" ]; then
  echo "tillbox: needs Node.js $MIN_MAJOR or newer; found:${seen:- no node at all}." >&2
  echo "  Raspberry Pi OS / Debian trixie: sudo apt install nodejs   (or set TBX_NODE=/path/to/node)" >&2
  exit 1
fi
flags=${TBX_NODE_FLAGS:-}
unset TBX_NODE_FLAGS
# shellcheck disable=SC2086 # flags are words on purpose
exec "$node" $flags "$TILLBOX_HOME/dist/cli.js" "$@"

#!/usr/bin/env bash
# Builds release/tillbox_<version>_<arch>.deb: compiled dist/, production node_modules (no dev, no
# optional: the demo broker and the head-office PostgreSQL client stay out), native modules for the
# target, the systemd unit, udev rules, sysusers entry, example config and the /usr/bin/tillbox wrapper.
#
#   scripts/package.sh [--arch amd64|arm64|armhf] [--out DIR] [--no-build] [--fast]
#
# --no-build: use dist/ as it is; --fast: gzip -1 instead of xz (the test suite's build).
#
# Foreign architectures: better-sqlite3 is cross-compiled with Debian's cross toolchain
# (g++-aarch64-linux-gnu / g++-arm-linux-gnueabihf) against this machine's Node headers
# (/usr/include/node); @serialport/bindings-cpp ships linux-arm64 and linux-arm prebuilds.
# Cross-compiling was chosen over an emulated arm64 root (qemu-user-static): one C++ file, seconds
# instead of minutes, and no binfmt setup on the CI machine. armhf is ARMv7 (Debian's armhf):
# Raspberry Pi 2 and newer in 32-bit mode; the ARMv6 Pi 1/Zero are not covered.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARCH=$(dpkg --print-architecture)
OUT=$ROOT/release
BUILD=1
COMPRESS=(-Zxz)
while [ $# -gt 0 ]; do
  case $1 in
  --arch) ARCH=$2; shift 2 ;;
  --out) OUT=$2; shift 2 ;;
  --no-build) BUILD=0; shift ;;
  --fast) COMPRESS=(-Zgzip -z1); shift ;;
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
HOST_ARCH=$(dpkg --print-architecture)
case $ARCH in
amd64) NODE_ARCH=x64 TRIPLE=x86_64-linux-gnu PREBUILD=linux-x64 ELF='x86-64' ;;
arm64) NODE_ARCH=arm64 TRIPLE=aarch64-linux-gnu PREBUILD=linux-arm64 ELF='ARM aarch64' ;;
armhf) NODE_ARCH=arm TRIPLE=arm-linux-gnueabihf PREBUILD=linux-arm ELF='ARM, EABI5' ;;
*) echo "package.sh: --arch must be amd64, arm64 or armhf (got '$ARCH')" >&2; exit 2 ;;
esac
for tool in dpkg-deb node npm file; do
  command -v $tool >/dev/null || { echo "package.sh: needs $tool (apt install dpkg-dev file nodejs npm)" >&2; exit 1; }
done
VERSION=$(node -p "require('$ROOT/package.json').version")
started=$(date +%s%N)

cd "$ROOT"
# A clean build: tsc never deletes the output of a source file that is gone.
if [ $BUILD = 1 ]; then rm -rf dist && npx --no-install tsc -p tsconfig.build.json; fi
[ -f dist/cli.js ] || { echo "package.sh: dist/ is not built (npm run build)" >&2; exit 1; }

STAGE=$(mktemp -d /tmp/tillbox-pkg.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
PKG=$STAGE/root
APP=$PKG/usr/lib/tillbox
install -d "$APP" "$PKG/usr/bin" "$PKG/usr/lib/systemd/system" "$PKG/usr/lib/sysusers.d" "$PKG/usr/lib/udev/rules.d" \
  "$PKG/usr/share/tillbox" "$PKG/usr/share/doc/tillbox" "$PKG/DEBIAN"
cp -r dist profiles schemas package.json LICENSE "$APP/"
# The status page's static files are read from src/web/assets at run time (src/web/assets.ts).
mkdir -p "$APP/src/web" && cp -r src/web/assets "$APP/src/web/"
find "$APP/dist" -name '*.map' -delete

# Production node_modules: exactly the packages npm resolves without dev and optional ones, copied
# from this checkout (already installed, so no network and no compile for the host architecture).
npm ls --omit=dev --omit=optional --all --parseable 2>/dev/null | tail -n +2 | while read -r dir; do
  rel=${dir#"$ROOT"/}
  # Top-level packages only (node_modules/x, node_modules/@s/x); their nested node_modules come along.
  case $rel in node_modules/@*/*/node_modules/* | node_modules/[!@]*/node_modules/*) continue ;; esac
  mkdir -p "$APP/$(dirname "$rel")"
  cp -a "$dir" "$APP/$rel"
done

if [ "$ARCH" != "$HOST_ARCH" ]; then
  command -v "$TRIPLE-g++" >/dev/null || { echo "package.sh: needs the cross compiler $TRIPLE-g++ (apt install g++-$TRIPLE)" >&2; exit 1; }
  GYP=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  [ -f "$GYP" ] || GYP=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  echo "package.sh: cross-compiling better-sqlite3 for $ARCH ($TRIPLE)"
  (cd "$APP/node_modules/better-sqlite3" && rm -rf build &&
    CC=$TRIPLE-gcc CXX=$TRIPLE-g++ LINK=$TRIPLE-g++ AR=$TRIPLE-ar \
      node "$GYP" rebuild --release --arch="$NODE_ARCH" --nodedir=/usr >"$STAGE/gyp.log" 2>&1) ||
    { tail -30 "$STAGE/gyp.log" >&2; echo "package.sh: cross-compiling better-sqlite3 failed" >&2; exit 1; }
fi

# Prune what the box never loads: better-sqlite3's sources and build by-products (10 MB of
# SQLite source, 17 MB of objects), other platforms' serialport prebuilds, type declarations, docs.
(cd "$APP/node_modules/better-sqlite3" && find build -mindepth 1 -maxdepth 2 ! -path build/Release ! -path build/Release/better_sqlite3.node -exec rm -rf {} + && rm -rf deps src binding.gyp)
find "$APP/node_modules/@serialport/bindings-cpp/prebuilds" -mindepth 1 -maxdepth 1 ! -name "$PREBUILD" -exec rm -rf {} +
rm -rf "$APP/node_modules/@serialport/bindings-cpp/src" "$APP/node_modules/@types"
# csv-parse: tillbox imports its ES modules (lib/); dist/ is the CommonJS, UMD and browser builds.
rm -rf "$APP/node_modules/csv-parse/dist"
find "$APP/node_modules" \( -name '*.md' -o -name '*.markdown' -o -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '.github' -o -name 'CHANGELOG*' \) -prune -exec rm -rf {} +

# Debug symbols are half the addon's size and nobody debugs C++ on the box.
STRIP=strip
[ "$ARCH" != "$HOST_ARCH" ] && STRIP=$TRIPLE-strip
command -v "$STRIP" >/dev/null && "$STRIP" --strip-unneeded "$APP/node_modules/better-sqlite3/build/Release/better_sqlite3.node"

for native in "$APP/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$APP/node_modules/@serialport/bindings-cpp/prebuilds/$PREBUILD/"*glibc*.node; do
  file -b "$native" | grep -q "$ELF" || { echo "package.sh: $native is not a $ELF ELF: $(file -b "$native")" >&2; exit 1; }
done

sed "s|@TILLBOX_HOME@|/usr/lib/tillbox|" packaging/tillbox.sh >"$PKG/usr/bin/tillbox"
cp systemd/tillbox.service "$PKG/usr/lib/systemd/system/tillbox.service"
cp systemd/tillbox.sysusers.conf "$PKG/usr/lib/sysusers.d/tillbox.conf"
cp firmware-config/99-tillbox.rules "$PKG/usr/lib/udev/rules.d/99-tillbox.rules"
cp tillbox.example.yaml "$PKG/usr/share/tillbox/tillbox.example.yaml"
cp firmware-config/config.txt.md "$PKG/usr/share/doc/tillbox/"
# USB POS side (docs/usb.md): the gadget set-up, run as root by its own units; not enabled by postinst.
cp firmware-config/tillbox-gadget.sh "$PKG/usr/share/tillbox/tillbox-gadget.sh"
cp firmware-config/tillbox-gadget.service firmware-config/tillbox-gadget.path "$PKG/usr/lib/systemd/system/"
[ -f docs/notes/h7-package-cli.md ] && cp docs/notes/h7-package-cli.md "$PKG/usr/share/doc/tillbox/install.md"
{ echo "tillbox $VERSION"; echo; cat LICENSE; } >"$PKG/usr/share/doc/tillbox/copyright"
cp packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$PKG/DEBIAN/"

# Modes: root-owned (dpkg-deb --root-owner-group), directories 0755, files 0644, executables 0755.
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG" -type f -exec chmod 0644 {} +
chmod 0755 "$PKG/usr/bin/tillbox" "$PKG/usr/share/tillbox/tillbox-gadget.sh" "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/prerm" "$PKG/DEBIAN/postrm"
find "$APP/node_modules" -type f \( -name '*.node' -o -path '*/.bin/*' \) -exec chmod 0755 {} +

INSTALLED_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_KB@/$INSTALLED_KB/" -e "s/@NODE_DEPENDS@/nodejs (>= 20~)/" \
  packaging/debian/control.in >"$PKG/DEBIAN/control"

mkdir -p "$OUT"
DEB=$OUT/tillbox_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$PKG" "$DEB" >/dev/null
ms=$((($(date +%s%N) - started) / 1000000))
echo "$DEB: $(stat -c %s "$DEB") bytes, installed $INSTALLED_KB KiB, node_modules $(du -sk "$APP/node_modules" | cut -f1) KiB, built in ${ms} ms"

#!/usr/bin/env bash
# Installs tillbox from this clone on a machine without the Debian package: the same layout as the
# package, with the app in place here (no copy). Idempotent: run it again after `git pull` (it builds,
# backs up and migrates the databases, restarts the daemon if it runs). --uninstall removes what it
# installed and keeps the data (/var/lib/tillbox) and config (/etc/tillbox); --purge deletes them too.
#
#   sudo scripts/install.sh [--skip-deps] [--uninstall | --purge]
#
# --skip-deps: use node_modules as they are (already `npm ci`-ed) and only build dist/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=/usr/local/bin/tillbox
UNIT=/etc/systemd/system/tillbox.service
RULES=/etc/udev/rules.d/99-tillbox.rules
SYSUSERS=/etc/sysusers.d/tillbox.conf
CONFIG=/etc/tillbox/tillbox.yaml
systemd_up() { [ -d /run/systemd/system ]; }

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo $0 $*)" >&2; exit 1; }

uninstall() {
  if systemd_up; then systemctl disable --now tillbox.service 2>/dev/null || true; fi
  rm -f "$UNIT" /etc/systemd/system/multi-user.target.wants/tillbox.service "$BIN" "$RULES" "$SYSUSERS"
  if systemd_up; then systemctl daemon-reload || true; fi
  if [ -d /run/udev ]; then udevadm control --reload || true; fi
}

SKIP_DEPS=0
for arg in "$@"; do
  case $arg in
  --skip-deps) SKIP_DEPS=1 ;;
  --uninstall) uninstall; echo "tillbox: uninstalled; data in /var/lib/tillbox and config in /etc/tillbox kept"; exit 0 ;;
  --purge)
    uninstall
    rm -rf /var/lib/tillbox /etc/tillbox
    if getent passwd tillbox >/dev/null; then userdel tillbox || true; fi
    if getent group tillbox >/dev/null; then groupdel tillbox 2>/dev/null || true; fi
    echo "tillbox: uninstalled, data and config deleted"; exit 0 ;;
  *) echo "install.sh: unknown argument '$arg' (--skip-deps, --uninstall or --purge)" >&2; exit 2 ;;
  esac
done

sed "s|@TILLBOX_HOME@|$ROOT|" "$ROOT/packaging/tillbox.sh" >"$BIN.new" && chmod 0755 "$BIN.new" && mv "$BIN.new" "$BIN"

# Build: a full install of this clone (dev dependencies for tsc), then dist/.
was_active=0
if systemd_up && systemctl is-active --quiet tillbox.service; then was_active=1; systemctl stop tillbox.service; fi
if [ $SKIP_DEPS = 0 ]; then (cd "$ROOT" && npm ci --no-audit --no-fund); fi
(cd "$ROOT" && npm run build)

if ! getent passwd tillbox >/dev/null; then
  install -D -m 0644 "$ROOT/systemd/tillbox.sysusers.conf" "$SYSUSERS"
  if command -v systemd-sysusers >/dev/null; then systemd-sysusers "$SYSUSERS"; else useradd --system --user-group --home-dir /var/lib/tillbox --no-create-home tillbox; fi
fi
getent group dialout >/dev/null && usermod -a -G dialout tillbox
install -d -o root -g tillbox -m 0750 /etc/tillbox
install -d -o tillbox -g tillbox -m 0750 /var/lib/tillbox
[ -f "$CONFIG" ] && chgrp tillbox "$CONFIG" && chmod 0640 "$CONFIG"
# The clone must be readable by the service user.
chmod -R o+rX "$ROOT/dist" "$ROOT/node_modules" "$ROOT/profiles" "$ROOT/schemas" "$ROOT/src/web/assets" "$ROOT/package.json"

if ls /var/lib/tillbox/*.db >/dev/null 2>&1; then
  (cd / && runuser -u tillbox -- "$BIN" migrate) || { echo "install.sh: migration failed; databases restored from the backup; daemon not started" >&2; exit 1; }
fi

mkdir -p "$(dirname "$UNIT")" && sed "s|^ExecStart=/usr/bin/tillbox |ExecStart=$BIN |" "$ROOT/systemd/tillbox.service" >"$UNIT.new" && chmod 0644 "$UNIT.new" && mv "$UNIT.new" "$UNIT"
[ -f "$RULES" ] || install -D -m 0644 "$ROOT/firmware-config/99-tillbox.rules" "$RULES"
if [ -d /run/udev ]; then udevadm control --reload || true; udevadm trigger --subsystem-match=tty --action=add || true; fi
if systemd_up; then
  systemctl daemon-reload
  systemctl enable tillbox.service
  if [ -f "$CONFIG" ] && { [ $was_active = 1 ] || ! systemctl is-active --quiet tillbox.service; }; then systemctl restart tillbox.service; fi
else
  mkdir -p /etc/systemd/system/multi-user.target.wants && ln -sf "$UNIT" /etc/systemd/system/multi-user.target.wants/tillbox.service
fi
[ -f "$CONFIG" ] || echo "tillbox: installed and enabled, not started: install -m 0640 -g tillbox $ROOT/tillbox.example.yaml $CONFIG, edit it, then systemctl start tillbox"
echo "tillbox: $("$BIN" --version | head -1) installed from $ROOT"

#!/bin/sh
# tillbox USB printer gadget: the box presents itself to the POS as the POS's own USB printer.
#
#   tillbox-gadget.sh up     create (or update) the gadget with the cloned identity and bind it
#   tillbox-gadget.sh down   unbind it and remove it
#
# The identity comes from the environment, never from sourcing a file (the tap, an unprivileged
# user, writes it to /var/lib/tillbox/usb-gadget.env; tillbox-gadget.service hands it over with
# systemd's EnvironmentFile=, which parses and does not execute):
#   TBX_USB_VENDOR, TBX_USB_PRODUCT      required, 0x followed by four hex digits
#   TBX_USB_BCDDEVICE                    optional, default 0x0100
#   TBX_USB_MANUFACTURER, TBX_USB_PRODUCT_NAME, TBX_USB_SERIAL   string descriptors (English, 0x409)
#   TBX_USB_PNP                          the IEEE 1284 device ID (f_printer adds the length prefix)
#   TBX_USB_QLEN                         f_printer request queue length, default 10
# Where things are (so it can be tested against a temporary tree):
#   TBX_CONFIGFS (default /sys/kernel/config), TBX_SYSFS (default /sys),
#   TBX_GADGET (default tillbox), TBX_UDC (default: the first controller in $TBX_SYSFS/class/udc)
set -eu

cfs=${TBX_CONFIGFS:-/sys/kernel/config}
sys=${TBX_SYSFS:-/sys}
name=${TBX_GADGET:-tillbox}
g="$cfs/usb_gadget/$name"

die() { echo "tillbox-gadget: $2" >&2; exit "$1"; }
put() { printf '%s\n' "$2" > "$1"; }
hex4() { printf '%s' "$2" | grep -Eq '^0x[0-9a-fA-F]{4}$' || die 2 "$1: expected 0x and four hex digits, got '$2'"; }

unbind() {
  if [ -f "$g/UDC" ] && [ -n "$(cat "$g/UDC")" ]; then put "$g/UDC" ""; fi
}

up() {
  [ -n "${TBX_USB_VENDOR:-}" ] && [ -n "${TBX_USB_PRODUCT:-}" ] ||
    die 2 "no printer identity to clone (TBX_USB_VENDOR/TBX_USB_PRODUCT unset): plug the printer into the box once so the tap can read it"
  hex4 TBX_USB_VENDOR "$TBX_USB_VENDOR"
  hex4 TBX_USB_PRODUCT "$TBX_USB_PRODUCT"
  hex4 TBX_USB_BCDDEVICE "${TBX_USB_BCDDEVICE:-0x0100}"
  qlen=${TBX_USB_QLEN:-10}
  printf '%s' "$qlen" | grep -Eq '^[1-9][0-9]{0,2}$' || die 2 "TBX_USB_QLEN: expected 1-999, got '$qlen'"
  udc=${TBX_UDC:-}
  if [ -z "$udc" ]; then
    for u in "$sys"/class/udc/*; do [ -e "$u" ] && { udc=$(basename "$u"); break; }; done
  fi
  [ -n "$udc" ] || die 3 "no USB device controller in $sys/class/udc (dtoverlay=dwc2 in config.txt, and the OTG port?)"
  [ -d "$cfs/usb_gadget" ] || die 3 "$cfs/usb_gadget missing (configfs mounted? modprobe libcomposite)"

  mkdir -p "$g"
  # Attributes can only change while unbound.
  unbind
  put "$g/idVendor" "$TBX_USB_VENDOR"
  put "$g/idProduct" "$TBX_USB_PRODUCT"
  put "$g/bcdDevice" "${TBX_USB_BCDDEVICE:-0x0100}"
  put "$g/bcdUSB" 0x0200
  mkdir -p "$g/strings/0x409"
  put "$g/strings/0x409/manufacturer" "${TBX_USB_MANUFACTURER:-}"
  put "$g/strings/0x409/product" "${TBX_USB_PRODUCT_NAME:-}"
  put "$g/strings/0x409/serialnumber" "${TBX_USB_SERIAL:-}"
  mkdir -p "$g/functions/printer.usb0"
  put "$g/functions/printer.usb0/pnp_string" "${TBX_USB_PNP:-}"
  put "$g/functions/printer.usb0/q_len" "$qlen"
  mkdir -p "$g/configs/c.1/strings/0x409"
  put "$g/configs/c.1/strings/0x409/configuration" "printer"
  # Self-powered (the box has its own supply): it draws nothing from the POS's port.
  put "$g/configs/c.1/bmAttributes" 0xc0
  put "$g/configs/c.1/MaxPower" 2
  [ -e "$g/configs/c.1/printer.usb0" ] || ln -s "$g/functions/printer.usb0" "$g/configs/c.1/printer.usb0"
  put "$g/UDC" "$udc"
  echo "tillbox-gadget: $TBX_USB_VENDOR:$TBX_USB_PRODUCT bound to $udc"
}

down() {
  [ -d "$g" ] || return 0
  unbind
  # configfs removes attribute files with their directory; only directories and links are removed.
  rm -f "$g/configs/c.1/printer.usb0"
  for d in "$g/configs/c.1/strings/0x409" "$g/configs/c.1" "$g/functions/printer.usb0" "$g/strings/0x409" "$g"; do
    rmdir "$d" 2>/dev/null || true
  done
  echo "tillbox-gadget: $name unbound"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die 2 "usage: tillbox-gadget.sh up|down" ;;
esac

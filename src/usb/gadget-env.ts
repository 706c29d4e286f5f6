import type { UsbPrinterInfo } from './printer-info.js';

/** Strips what cannot go into a USB string descriptor or one line of an environment file. */
function clean(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, ' ').trim();
}

/** Double-quoted for both `sh` (`. file`) and systemd's EnvironmentFile=. */
function quote(s: string): string {
  return `"${clean(s).replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * The identity the gadget set-up script clones (firmware-config/tillbox-gadget.sh reads these
 * names): written by the tap to <dataDir>/usb-gadget.env whenever it opens the USB printer, and
 * applied by the root oneshot unit tillbox-gadget.service, so the POS's driver sees the same
 * vendor, product, strings and IEEE 1284 ID it saw on the printer itself.
 */
export function gadgetEnv(p: UsbPrinterInfo): string {
  const lines = [
    `TBX_USB_VENDOR=0x${p.vendorId}`,
    `TBX_USB_PRODUCT=0x${p.productId}`,
    ...(p.bcdDevice !== undefined ? [`TBX_USB_BCDDEVICE=0x${p.bcdDevice}`] : []),
    `TBX_USB_MANUFACTURER=${quote(p.strings.manufacturer ?? '')}`,
    `TBX_USB_PRODUCT_NAME=${quote(p.strings.product ?? '')}`,
    `TBX_USB_SERIAL=${quote(p.strings.serial ?? '')}`,
    `TBX_USB_PNP=${quote(p.deviceId() ?? '')}`,
  ];
  return `# written by tillbox from the USB printer ${p.name}; applied by tillbox-gadget.service\n${lines.join('\n')}\n`;
}

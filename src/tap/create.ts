import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FooterLink } from './footer-link.js';
import { SerialTap } from './serial-tap.js';
import { TcpTap } from './tcp-tap.js';
import type { Recorder, Tap } from './types.js';

/**
 * Serial or USB lines (SerialTap, any mix of the two) when neither pos.listen nor printer.host is set; TCP ⇄ TCP (port 9100 mode) when
 * both are. Mixed set-ups (serial till to network printer) are not supported yet.
 */
export function createTap(config: Pick<Config, 'pos' | 'printer' | 'tap' | 'usb' | 'dataDir'>, record: Recorder, logger: Logger, footer?: FooterLink): Tap {
  const tcpPos = config.pos.listen !== undefined;
  const tcpPrinter = config.printer.host !== undefined;
  if (tcpPos !== tcpPrinter) {
    throw new TillboxError(
      'TBX_CONFIG_INVALID',
      tcpPos
        ? 'pos.listen is set but printer.host is not: network mode needs both (a serial printer behind a network POS is not supported)'
        : 'printer.host is set but pos.listen is not: network mode needs both (a serial POS to a network printer is not supported)',
    );
  }
  return tcpPos ? new TcpTap(config, record, logger, footer) : new SerialTap(config, record, logger, footer);
}

import { documentFromLines, loadProfiles, parseReceipt, shippedProfilesDir, type ParseOptions, type Receipt } from '../../src/receipt/index.js';

export const shipped = loadProfiles([shippedProfilesDir()]);

/** Parse text lines as a printer would have printed them (no encoder round trip). */
export function parseLines(lines: string[], opts: Partial<ParseOptions> = {}): Receipt {
  return parseReceipt(documentFromLines(lines), { profiles: [], currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD', ...opts }).receipt;
}

/** Right-align an amount in a 40-column line, as tills do. */
export function row(label: string, amount: string, width = 40): string {
  return label + ' '.repeat(Math.max(1, width - label.length - amount.length)) + amount;
}

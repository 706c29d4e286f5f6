/** Bytes as a hex dump a person can read next to `tillbox decode`: offset, 16 bytes, ASCII. Pure. */

/** The dump covers at most this many bytes (the download has them all). */
export const MAX_HEX_BYTES = 64 * 1024;

export function hexDump(bytes: Uint8Array, max = MAX_HEX_BYTES): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, max);
  for (let at = 0; at < end; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines.join('\n');
}

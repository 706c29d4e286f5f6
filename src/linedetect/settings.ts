/** Serial line settings a till may use, and the candidates detection tries. */
export type Parity = 'none' | 'even' | 'odd';

export interface LineSetting {
  baudRate: number;
  dataBits: 7 | 8;
  parity: Parity;
  stopBits: 1 | 2;
}

/** The rates POS tills and receipt printers are sold with (config `pos.baudRate` accepts these). */
export const CANDIDATE_BAUDS: readonly number[] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/** Character framings in use on POS lines: 8N1 by far the most, 7E1/7O1 on old tills, 8N2 on some printers. */
export const CANDIDATE_FRAMINGS: readonly Omit<LineSetting, 'baudRate'>[] = [
  { dataBits: 8, parity: 'none', stopBits: 1 },
  { dataBits: 8, parity: 'none', stopBits: 2 },
  { dataBits: 8, parity: 'even', stopBits: 1 },
  { dataBits: 8, parity: 'odd', stopBits: 1 },
  { dataBits: 7, parity: 'even', stopBits: 1 },
  { dataBits: 7, parity: 'odd', stopBits: 1 },
  { dataBits: 7, parity: 'even', stopBits: 2 },
];

export const CANDIDATES: readonly LineSetting[] = CANDIDATE_BAUDS.flatMap((baudRate) => CANDIDATE_FRAMINGS.map((f) => ({ baudRate, ...f })));

/** "9600 8N1". */
export function settingLabel(s: LineSetting): string {
  return `${s.baudRate} ${framingLabel(s)}`;
}

export function framingLabel(s: Omit<LineSetting, 'baudRate'>): string {
  return `${s.dataBits}${s.parity === 'none' ? 'N' : s.parity === 'even' ? 'E' : 'O'}${s.stopBits}`;
}

/** "8N1" -> framing; undefined when it is not one. */
export function parseFraming(text: string): Omit<LineSetting, 'baudRate'> | undefined {
  const m = /^([78])([NEO])([12])$/i.exec(text.trim());
  if (m === null) return undefined;
  const p = (m[2] ?? 'N').toUpperCase();
  return { dataBits: m[1] === '7' ? 7 : 8, parity: p === 'N' ? 'none' : p === 'E' ? 'even' : 'odd', stopBits: m[3] === '2' ? 2 : 1 };
}

/** Bit times one character takes on the line. */
export function frameBits(s: Omit<LineSetting, 'baudRate'>): number {
  return 1 + s.dataBits + (s.parity === 'none' ? 0 : 1) + s.stopBits;
}

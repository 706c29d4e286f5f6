/**
 * Spreadsheet files as shops have them: a catalogue saved by Chinese Excel or WPS is GBK/GB18030
 * ("CSV" without a BOM), one saved as "CSV UTF-8" starts with a BOM, and a product name may hold a
 * newline inside quotes. This turns bytes into text and records; the catalogue rules are in import.ts.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

export const SPREADSHEET_ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'] as const;
export type SpreadsheetEncoding = (typeof SPREADSHEET_ENCODINGS)[number];

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Decodes a spreadsheet file. `auto`: a UTF-8 BOM or bytes that are valid UTF-8 are UTF-8; anything
 * else is read as GB18030 (a superset of GBK and GB2312, which is what Chinese Excel writes).
 * A named encoding is used as given; `utf8` on bytes that are not UTF-8 is an error, not mojibake.
 */
export function decodeSpreadsheet(bytes: Uint8Array, encoding: SpreadsheetEncoding = 'auto'): { text: string; encoding: Exclude<SpreadsheetEncoding, 'auto'> } | { error: string } {
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  if (encoding === 'gbk' || encoding === 'gb18030') return { text: iconv.decode(Buffer.from(bytes), encoding), encoding };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'utf8' };
  } catch {
    if (encoding === 'utf8' || bom) return { error: 'not valid UTF-8 (saved from Excel as "CSV"? try --encoding gbk)' };
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  }
}

export interface SheetRow {
  /** The line of the file the record ends on (a quoted field may span lines). */
  line: number;
  fields: string[];
}

/** RFC 4180 records (quoted fields with commas, "" and newlines); blank lines skipped. */
export function parseSpreadsheetCsv(text: string): { rows: SheetRow[] } | { error: string } {
  try {
    // csv-parse's sync typings return string[][] whatever the options; with `info: true` each
    // element is { record, info } (its docs, "info" option).
    const out = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return { rows: out.map((r) => ({ line: r.info.lines, fields: r.record })) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

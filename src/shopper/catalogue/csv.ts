/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). Parsing: spreadsheet.ts. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

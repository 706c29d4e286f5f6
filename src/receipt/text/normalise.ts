const NEEDS_FOLDING_RE = /[\u2014\u2015\u2500\u2501\u2550\u3000\uff01-\uff5e\uffe1\uffe5]/;

/**
 * Text normalisation for matching. Receipts mix full-width forms (：，￥１２) with ASCII; matching
 * runs on a normalised copy, while names are kept as printed (trimmed).
 */
export function normalise(text: string): string {
  if (!NEEDS_FOLDING_RE.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xff01 && cp <= 0xff5e) out += String.fromCodePoint(cp - 0xfee0);
    else if (cp === 0x3000) out += ' ';
    else if (cp === 0xffe5) out += '¥';
    else if (cp === 0xffe1) out += '£';
    else if (cp === 0x2014 || cp === 0x2015 || cp === 0x2500 || cp === 0x2501 || cp === 0x2550) out += '-';
    else out += ch;
  }
  return out;
}

/** Display columns on a thermal printer: CJK and full-width characters take two cells. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return n;
}

export function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6)
  );
}

/** Letters and digits only, lower case: for comparing store names and de-duplicating. */
export function squash(text: string): string {
  return normalise(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Collapse runs of spaces and trim separators a name is padded with. */
export function cleanName(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^[\s*#:.\-_=|]+|[\s*#:.\-_=|@]+$/g, '')
    .trim();
}

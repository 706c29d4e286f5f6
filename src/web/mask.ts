/**
 * Member ids and phone numbers are masked everywhere a person can see them (DESIGN.md):
 * keep the first two and last two characters so the owner can tell cards apart
 * (8800123456 -> 88******56), hide the rest. Ids of four characters or fewer are hidden whole.
 */
export function maskMember(id: string): string;
export function maskMember(id: string | null): string | null;
export function maskMember(id: string | null): string | null {
  if (id === null) return null;
  const chars = [...id];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}

// A labelled number on a receipt ("会员: 8800123456", "手机号 138 1234 5678", "Member No. 8800…").
const LABELLED = /((?:会员[号卡]?(?:号码|卡号)?|卡号|手机号?码?|电话|member(?:\s*(?:no\.?|id|card|#))?|phone|tel)\s*[:：#]?\s*)(\d[\d -]{4,}\d)/giu;
// A Chinese mobile number standing alone (not part of a longer digit run such as an EAN-13).
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/gu;

/**
 * Masks member ids in decoded receipt text: the ids the parser found (`known`), any number that
 * follows a member/phone label, and bare mainland mobile numbers. Product codes stay readable.
 */
export function maskText(text: string, known: readonly (string | null)[] = []): string {
  let out = text;
  for (const id of known) {
    if (id !== null && id.length > 0) out = out.split(id).join(maskMember(id));
  }
  out = out.replace(LABELLED, (_m, label: string, digits: string) => `${label}${maskDigits(digits)}`);
  return out.replace(MOBILE, (m) => maskMember(m));
}

/** Masks the digits of a number written with spaces or dashes, keeping its layout. */
function maskDigits(written: string): string {
  const digits = written.replace(/\D/g, '');
  const masked = maskMember(digits);
  let i = 0;
  return written.replace(/\d/g, () => masked[i++] ?? '*');
}

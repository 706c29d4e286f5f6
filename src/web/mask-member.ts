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

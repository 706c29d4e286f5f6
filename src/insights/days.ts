/**
 * Calendar days in the store's time zone, as integers (days since 1970-01-01 local), so that
 * "same-day purchases are merged" means the shop's day, not UTC's.
 */

const BUCKET_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** Returns a function from epoch milliseconds to the local day number in `timeZone`. */
export function dayIndexer(timeZone: string): (ms: number) => number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return (ms) => Math.floor(ms / DAY_MS);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const offsetOf = (ms: number): number => {
    const parts = fmt.formatToParts(new Date(ms));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(ms / 60_000) * 60_000;
  };
  // Intl is slow (µs per call) and the nightly job sees millions of receipts. Per UTC day, look
  // at the offset at both ends: equal (every day but the few with a zone transition) means one
  // offset for the whole day. Otherwise fall back to 15-minute buckets: every real offset and
  // transition (incl. +05:45, +08:45) is on a quarter hour, so the offset is constant inside one.
  const byDay = new Map<number, number>(); // NaN marks a transition day
  const byBucket = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const day = Math.floor(ms / DAY_MS);
    let off = byDay.get(day);
    if (off === undefined) {
      const a = offsetOf(day * DAY_MS);
      const b = offsetOf(day * DAY_MS + DAY_MS - BUCKET_MS);
      off = a === b ? a : Number.NaN;
      if (byDay.size > 100_000) byDay.clear();
      byDay.set(day, off);
    }
    if (!Number.isNaN(off)) return off;
    const bucket = Math.floor(ms / BUCKET_MS);
    let bOff = byBucket.get(bucket);
    if (bOff === undefined) {
      bOff = offsetOf(bucket * BUCKET_MS);
      if (byBucket.size > 100_000) byBucket.clear();
      byBucket.set(bucket, bOff);
    }
    return bOff;
  };
  return (ms) => Math.floor((ms + offsetAt(ms)) / DAY_MS);
}

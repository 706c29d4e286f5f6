/**
 * Store-local calendar arithmetic without a date library: Intl does the time-zone work, and the
 * results are cached per 15-minute bucket because every real offset (incl. +05:45, +08:45) is a
 * multiple of 15 minutes, so the local day and hour cannot change inside a bucket.
 */

export interface LocalParts {
  /** YYYY-MM-DD in the zone. */
  day: string;
  /** 0..23 in the zone. */
  hour: number;
}

const BUCKET_MS = 15 * 60 * 1000;

export interface ZoneClock {
  readonly timezone: string;
  /** Local day and hour of an instant. */
  parts(ms: number): LocalParts;
  /** Offset of the zone from UTC at an instant, in minutes (east positive). */
  offsetMinutes(ms: number): number;
  /** The instant of a local wall-clock time (day + hour[:minute]); DST gaps move forward. */
  instant(day: string, hour: number, minute?: number): number;
  /** ISO 8601 with the zone's offset, second precision. */
  iso(ms: number): string;
}

export function zoneClock(timezone: string): ZoneClock {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const cache = new Map<number, { day: string; hour: number; offset: number }>();

  function lookup(ms: number): { day: string; hour: number; offset: number } {
    const bucket = Math.floor(ms / BUCKET_MS);
    const hit = cache.get(bucket);
    if (hit !== undefined) return hit;
    const start = bucket * BUCKET_MS;
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(start)) p[part.type] = part.value;
    const y = Number(p['year']), mo = Number(p['month']), d = Number(p['day']);
    const h = Number(p['hour']), mi = Number(p['minute']);
    const asUtc = Date.UTC(y, mo - 1, d, h, mi);
    const value = { day: `${p['year']}-${p['month']}-${p['day']}`, hour: h, offset: Math.round((asUtc - start) / 60000) };
    if (cache.size > 50_000) cache.clear();
    cache.set(bucket, value);
    return value;
  }

  return {
    timezone,
    parts(ms) {
      const v = lookup(ms);
      return { day: v.day, hour: v.hour };
    },
    offsetMinutes(ms) {
      return lookup(ms).offset;
    },
    instant(day, hour, minute = 0) {
      const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
      const wall = Date.UTC(y, mo - 1, d, hour, minute);
      // Two passes settle the offset on either side of a DST change.
      let guess = wall - lookup(wall).offset * 60000;
      guess = wall - lookup(guess).offset * 60000;
      return guess;
    },
    iso(ms) {
      const off = lookup(ms).offset;
      const local = new Date(ms + off * 60000).toISOString().slice(0, 19);
      const sign = off >= 0 ? '+' : '-';
      const a = Math.abs(off);
      return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    },
  };
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of a receipt time; a time printed without an offset is read in the store's zone. */
export function parseReceiptTime(iso: string, zone: ZoneClock): number | null {
  if (HAS_OFFSET.test(iso)) {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : ms;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso);
  if (m === null) return null;
  return zone.instant(m[1] as string, Number(m[2]), Number(m[3])) + Number(m[4] ?? 0) * 1000;
}

/** Calendar helpers on YYYY-MM-DD strings (pure date arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = `${month}-01`;
  const to = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from, to };
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** Monday of the ISO week containing `day`. */
export function weekStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

export const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

import { describe, expect, it } from 'vitest';
import { dayIndexer } from '../../src/insights/days.js';
import { rng } from './fixtures.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date straight from Intl, as a day number. */
function reference(ms: number, timeZone: string): number {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  const p = f.format(new Date(ms));
  return Math.round(Date.parse(`${p}T00:00:00Z`) / 86_400_000);
}

describe('dayIndexer', () => {
  it('agrees with Intl in zones with DST, half- and quarter-hour offsets, around transitions', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    const rand = rng(11);
    let checked = 0;
    for (const zone of zones) {
      const dayOf = dayIndexer(zone);
      // Every 15 minutes across the 2026 spring and autumn transitions of both hemispheres …
      for (const [from, to] of [['2026-03-07', '2026-03-10'], ['2026-03-27', '2026-03-30'], ['2026-04-03', '2026-04-07'], ['2026-10-02', '2026-10-06'], ['2026-10-23', '2026-11-03']] as const) {
        for (let ms = Date.parse(`${from}T00:00:00Z`); ms < Date.parse(`${to}T00:00:00Z`); ms += 15 * 60_000) {
          const got = dayOf(ms);
          if (got !== reference(ms, zone)) expect(got, `${zone} ${new Date(ms).toISOString()}`).toBe(reference(ms, zone));
          const end = ms + 14 * 60_000 + 59_999;
          if (dayOf(end) !== reference(end, zone)) expect(dayOf(end), `${zone} ${new Date(end).toISOString()}`).toBe(reference(end, zone));
          checked++;
        }
      }
      // … and at random instants over two years.
      for (let i = 0; i < 300; i++) {
        const ms = Date.parse('2025-01-01T00:00:00Z') + Math.floor(rand() * 730 * 86_400_000);
        expect(dayOf(ms)).toBe(reference(ms, zone));
      }
    }
    expect(checked).toBe(7 * (3 + 3 + 4 + 4 + 11) * 96);
  });
});

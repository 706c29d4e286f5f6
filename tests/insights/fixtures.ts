/** Small generated stores for the insights tests (no corpus data). */
import { seededRandom } from '../../src/demo/random.js';
import type { Purchase } from '../../src/insights/members.js';

export const rng = seededRandom;


export const DAY = 86_400_000;
export const NOW = new Date('2026-11-23T02:30:00Z');

export interface Store {
  purchases: Purchase[];
  loyal: string[];
  lapsed: string[];
  occasional: string[];
}

/**
 * A year of a small shop: loyal members buy about weekly all year; "lapsed" big spenders bought
 * twice a week for months and stopped 8–10 months ago; occasional members come a few times.
 */
export function smallStore(seed = 7): Store {
  const rand = rng(seed);
  const purchases: Purchase[] = [];
  const loyal: string[] = [];
  const lapsed: string[] = [];
  const occasional: string[] = [];
  const start = NOW.getTime() - 365 * DAY;
  for (let i = 0; i < 40; i++) {
    const id = `88000${String(10000 + i)}`;
    loyal.push(id);
    for (let t = start + rand() * 7 * DAY; t < NOW.getTime() - DAY; t += (4 + rand() * 6) * DAY) {
      purchases.push({ member: id, time: new Date(t), amount: 3000 + Math.floor(rand() * 4000) });
    }
  }
  for (let i = 0; i < 20; i++) {
    const id = `88100${String(10000 + i)}`;
    lapsed.push(id);
    const stop = NOW.getTime() - (240 + rand() * 60) * DAY;
    for (let t = start - 200 * DAY; t < stop; t += (2 + rand() * 3) * DAY) {
      purchases.push({ member: id, time: new Date(t), amount: 20000 + Math.floor(rand() * 10000) });
    }
  }
  for (let i = 0; i < 140; i++) {
    const id = `88200${String(10000 + i)}`;
    occasional.push(id);
    const visits = 1 + Math.floor(rand() * 4);
    for (let v = 0; v < visits; v++) {
      purchases.push({ member: id, time: new Date(start + rand() * 364 * DAY), amount: 500 + Math.floor(rand() * 5000) });
    }
  }
  return { purchases, loyal, lapsed, occasional };
}

/**
 * One streaming pass over purchase events into per-member columns: everything the models need
 * (RFM window figures, BG/NBD's distinct purchase days, Gamma-Gamma's repeat spend) without
 * keeping an object per receipt. Memory: about 24 bytes per event while aggregating, then
 * about 60 bytes per member.
 *
 * Rules: events after `now` are ignored. An event with amount ≥ 0 is a purchase (a fully
 * discounted basket is still a visit; CDNOW has such $0 orders); a negative amount (a refund)
 * only lowers the member's net spend. Purchases on the same local calendar day
 * are one purchase occasion for BG/NBD and Gamma-Gamma (their amounts add up).
 */
import { dayIndexer } from './days.js';

export interface Purchase {
  member: string;
  time: Date;
  /** Integer minor units; negative for a refund. */
  amount: number;
}

export interface MemberColumns {
  ids: string[];
  count: number;
  nowDay: number;
  /** Net spend up to now, minor units. */
  allTimeValue: Float64Array;
  /** Local day numbers of the first and last purchase (−1: no purchase, only refunds). */
  firstDay: Int32Array;
  lastDay: Int32Array;
  /** Distinct purchase days. x = purchaseDays − 1. */
  purchaseDays: Int32Array;
  /** Mean amount of the purchase days after the first (minor units), 0 when there are none. */
  repeatMean: Float64Array;
  /** Window: local day of the last purchase (−1 when none), purchases, net spend. */
  windowLastDay: Int32Array;
  windowFrequency: Int32Array;
  windowMonetary: Float64Array;
  events: number;
  ignoredFuture: number;
  /** Events with an invalid time or a non-finite amount, skipped. */
  ignoredInvalid: number;
}

export interface AggregateOptions {
  windowDays: number;
  timeZone: string;
}

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * Event columns in fixed 64 Ki-row chunks: no doubling, so no moment with two copies of
 * everything, and at most one partly used chunk.
 */
class Columns {
  private readonly members: Int32Array[] = [];
  private readonly times: Float64Array[] = [];
  private readonly amounts: Float64Array[] = [];
  length = 0;

  push(m: number, ms: number, amount: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.members.length) {
      this.members.push(new Int32Array(CHUNK));
      this.times.push(new Float64Array(CHUNK));
      this.amounts.push(new Float64Array(CHUNK));
    }
    const o = this.length & MASK;
    (this.members[c] as Int32Array)[o] = m;
    (this.times[c] as Float64Array)[o] = ms;
    (this.amounts[c] as Float64Array)[o] = amount;
    this.length++;
  }

  member(i: number): number {
    return (this.members[i >>> CHUNK_BITS] as Int32Array)[i & MASK] as number;
  }

  ms(i: number): number {
    return (this.times[i >>> CHUNK_BITS] as Float64Array)[i & MASK] as number;
  }

  amount(i: number): number {
    return (this.amounts[i >>> CHUNK_BITS] as Float64Array)[i & MASK] as number;
  }
}

export function aggregatePurchases(purchases: Iterable<Purchase>, now: Date, opts: AggregateOptions): MemberColumns {
  const dayOf = dayIndexer(opts.timeZone);
  const nowMs = now.getTime();
  const nowDay = dayOf(nowMs);
  const windowStartMs = nowMs - opts.windowDays * 86_400_000;
  const index = new Map<string, number>();
  const ids: string[] = [];
  const cols = new Columns();
  let ignoredFuture = 0;
  let ignoredInvalid = 0;
  for (const p of purchases) {
    const ms = p.time.getTime();
    if (Number.isNaN(ms) || !Number.isFinite(p.amount)) {
      ignoredInvalid++;
      continue;
    }
    if (ms > nowMs) {
      ignoredFuture++;
      continue;
    }
    let m = index.get(p.member);
    if (m === undefined) {
      m = ids.length;
      index.set(p.member, m);
      ids.push(p.member);
    }
    cols.push(m, ms, p.amount);
  }
  index.clear();

  const n = ids.length;
  // Counting sort of events by member.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < cols.length; i++) {
    const at = cols.member(i) + 1;
    start[at] = (start[at] as number) + 1;
  }
  for (let m = 0; m < n; m++) start[m + 1] = (start[m + 1] as number) + (start[m] as number);
  const fill = start.slice(0, n);
  const order = new Int32Array(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const m = cols.member(i);
    const at = fill[m] as number;
    order[at] = i;
    fill[m] = at + 1;
  }

  const out: MemberColumns = {
    ids,
    count: n,
    nowDay,
    allTimeValue: new Float64Array(n),
    firstDay: new Int32Array(n).fill(-1),
    lastDay: new Int32Array(n).fill(-1),
    purchaseDays: new Int32Array(n),
    repeatMean: new Float64Array(n),
    windowLastDay: new Int32Array(n).fill(-1),
    windowFrequency: new Int32Array(n),
    windowMonetary: new Float64Array(n),
    events: cols.length,
    ignoredFuture,
    ignoredInvalid,
  };
  for (let m = 0; m < n; m++) {
    const from = start[m] as number;
    const to = start[m + 1] as number;
    const slice = order.subarray(from, to);
    slice.sort((i, j) => cols.ms(i) - cols.ms(j));
    summariseMember(out, m, slice, cols, dayOf, windowStartMs);
  }
  return out;
}

function summariseMember(
  out: MemberColumns,
  m: number,
  events: Int32Array,
  cols: Columns,
  dayOf: (ms: number) => number,
  windowStartMs: number,
): void {
  let value = 0;
  let days = 0;
  let firstDay = -1;
  let curDay = -1;
  let curAmount = 0;
  let repeatSum = 0;
  let wLast = -1;
  let wFreq = 0;
  let wMoney = 0;
  for (const i of events) {
    const ms = cols.ms(i);
    const amount = cols.amount(i);
    value += amount;
    const inWindow = ms > windowStartMs;
    if (inWindow) wMoney += amount;
    if (!(amount >= 0)) continue;
    const day = dayOf(ms);
    if (inWindow) {
      wFreq++;
      wLast = day;
    }
    if (day !== curDay) {
      if (days > 1) repeatSum += curAmount;
      if (days === 0) firstDay = day;
      days++;
      curDay = day;
      curAmount = 0;
    }
    curAmount += amount;
  }
  if (days > 1) repeatSum += curAmount;
  out.allTimeValue[m] = value;
  out.firstDay[m] = firstDay;
  out.lastDay[m] = curDay;
  out.purchaseDays[m] = days;
  out.repeatMean[m] = days > 1 ? repeatSum / (days - 1) : 0;
  out.windowLastDay[m] = wLast;
  out.windowFrequency[m] = wFreq;
  out.windowMonetary[m] = wMoney;
}

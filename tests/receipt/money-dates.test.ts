import { describe, expect, it } from 'vitest';
import { findDates, findTimes, isoLocal } from '../../src/receipt/text/dates.js';
import { findAmounts, formatMinor, parseAmount } from '../../src/receipt/text/money.js';
import { receiptToJson } from '../../src/receipt/index.js';
import { parseLines } from './helpers.js';

describe('amounts', () => {
  it('reads money as integer minor units in the usual notations', () => {
    expect(parseAmount('12.80')).toBe(1280);
    expect(parseAmount('RM 60.30')).toBe(6030);
    expect(parseAmount('¥68.00')).toBe(6800);
    expect(parseAmount('1,234.56')).toBe(123456);
    expect(parseAmount('1.234,56')).toBe(123456);
    expect(parseAmount('12,50 €')).toBe(1250);
    expect(parseAmount('.87')).toBe(87);
    expect(parseAmount('9.00-')).toBe(-900);
    expect(parseAmount('-RM 0.02')).toBe(-2);
    expect(parseAmount('(5.59)')).toBe(-559);
    expect(parseAmount('$28,250.00')).toBe(2825000);
  });
  it('does not take dates, times, percentages, weights or codes for money', () => {
    expect(findAmounts('19.10.18 20:49')).toEqual([]);
    expect(findAmounts('@DISC 10.00%')).toEqual([]);
    expect(findAmounts('0.456 kg')).toEqual([]);
    expect(findAmounts('1.5')).toEqual([]);
    expect(findAmounts('6901234567890')).toEqual([]);
  });
  it('formats minor units back exactly, including sums that binary floats get wrong', () => {
    expect(formatMinor(10 + 20)).toBe('0.30');
    expect(formatMinor(-5)).toBe('-0.05');
    const json = receiptToJson(parseLines(['A  0.10', 'B  0.20', 'TOTAL  0.30'])) as { total: number; items: { amount: number }[] };
    expect(json.total).toBe(0.3);
    expect(json.items.map((i) => i.amount)).toEqual([0.1, 0.2]);
  });
});

describe('dates and times', () => {
  const one = (s: string, order: 'DMY' | 'MDY' | 'YMD' = 'DMY') => {
    const d = findDates(s, order)[0];
    return d === undefined ? null : `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
  };
  it('reads the usual formats', () => {
    expect(one('2026-11-23')).toBe('2026-11-23');
    expect(one('2026/11/23 10:15')).toBe('2026-11-23');
    expect(one('23/11/2026')).toBe('2026-11-23');
    expect(one('11/23/2026')).toBe('2026-11-23');
    expect(one('2026年11月23日')).toBe('2026-11-23');
    expect(one('23.11.26')).toBe('2026-11-23');
    expect(one('23 Nov 2026')).toBe('2026-11-23');
    expect(one('Nov 23, 2026')).toBe('2026-11-23');
    expect(one("23Nov'26 17:58")).toBe('2026-11-23');
    expect(one('Monday 6th of April 2015')).toBe('2015-04-06');
    expect(one('23 Dez 2026')).toBe('2026-12-23');
    expect(one('3 févr. 2026')).toBe('2026-02-03');
    expect(one('5 Ogos 2026')).toBe('2026-08-05');
    expect(one('20261123')).toBe('2026-11-23');
  });
  it('reads an ambiguous n/n/n date by the configured order, dotted dates day-first', () => {
    expect(one('03/04/2026', 'DMY')).toBe('2026-04-03');
    expect(one('03/04/2026', 'MDY')).toBe('2026-03-04');
    expect(one('03.04.2026', 'MDY')).toBe('2026-04-03');
  });
  it('reads clock times with AM/PM and 下午', () => {
    expect(findTimes('02:56:25 PM')[0]).toMatchObject({ h: 14, min: 56, s: 25 });
    expect(findTimes('12:05AM')[0]).toMatchObject({ h: 0, min: 5 });
    expect(findTimes('下午 3:20')[0]).toMatchObject({ h: 15, min: 20 });
  });
  it('gives local times the zone offset of that moment (DST aware, no clock read)', () => {
    expect(isoLocal({ y: 2026, m: 11, d: 23 }, { h: 10, min: 15, s: 32 }, 'Asia/Shanghai')).toBe('2026-11-23T10:15:32+08:00');
    expect(isoLocal({ y: 2026, m: 7, d: 1 }, { h: 12, min: 0, s: 0 }, 'Europe/Berlin')).toBe('2026-07-01T12:00:00+02:00');
    expect(isoLocal({ y: 2026, m: 1, d: 1 }, { h: 12, min: 0, s: 0 }, 'Europe/Berlin')).toBe('2026-01-01T12:00:00+01:00');
  });
});

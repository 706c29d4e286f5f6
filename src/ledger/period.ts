import { TillboxError } from '../errors.js';
import { addDays, DAY_RE, daysBetween, MONTH_RE, monthRange, previousMonth, weekStart } from './time.js';

/** A run of store-local days, both ends included. */
export interface Period {
  kind: 'day' | 'week' | 'month' | 'custom';
  from: string;
  to: string;
}

export function dayPeriod(day: string): Period {
  return { kind: 'day', from: checkDay(day), to: day };
}

/** ISO week (Monday to Sunday) containing `day`. */
export function weekPeriod(day: string): Period {
  const from = weekStart(checkDay(day));
  return { kind: 'week', from, to: addDays(from, 6) };
}

export function monthPeriod(month: string): Period {
  if (!MONTH_RE.test(month)) throw new TillboxError('TBX_INPUT_INVALID', `month '${month}': expected YYYY-MM`);
  return { kind: 'month', ...monthRange(month) };
}

export function customPeriod(from: string, to: string): Period {
  checkDay(from);
  checkDay(to);
  if (to < from) throw new TillboxError('TBX_INPUT_INVALID', `period ${from}..${to}: the end is before the start`);
  return { kind: 'custom', from, to };
}

/** The period just before, of the same kind: the previous calendar month, week, day or span. */
export function previousPeriod(p: Period): Period {
  switch (p.kind) {
    case 'month':
      return monthPeriod(previousMonth(p.from.slice(0, 7)));
    case 'week':
    case 'day':
    case 'custom': {
      const len = daysBetween(p.from, p.to) + 1;
      return { kind: p.kind, from: addDays(p.from, -len), to: addDays(p.from, -1) };
    }
  }
}

function checkDay(day: string): string {
  if (!DAY_RE.test(day)) throw new TillboxError('TBX_INPUT_INVALID', `date '${day}': expected YYYY-MM-DD`);
  return day;
}

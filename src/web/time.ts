/** Calendar days and months in the store's time zone, for "today" on the page. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** YYYY-MM-DD of `nowMs` in `timeZone`. */
export function localDay(nowMs: number, timeZone: string): string {
  return formatter(timeZone).format(new Date(nowMs));
}

/** YYYY-MM of `nowMs` in `timeZone`. */
export function localMonth(nowMs: number, timeZone: string): string {
  return localDay(nowMs, timeZone).slice(0, 7);
}

export const DAY_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

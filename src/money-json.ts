/**
 * Money in JSON outputs, one convention everywhere (docs/cli.md "Money in JSON"): an amount is an
 * integer of minor units (fen for CNY, cents for EUR) in a field whose name ends in `Minor`, with
 * the ISO 4217 `currency` in the same object or one that holds it. Where a person reads the JSON
 * (CLI --json), the field without the suffix holds the same amount as a decimal string built from
 * the integer ("476.38"), never by floating-point arithmetic. The Receipt JSON of DESIGN.md keeps
 * its decimal numbers and gains the `…Minor` twins (src/receipt/json.ts).
 *
 * Internal types keep their short names (`total`, `sales`); the renaming happens here, at the
 * boundary, for the money keys each output names.
 */
import { formatDecimal } from './shopper/money.js';

export interface MinorUnitsOptions {
  /** Also write the decimal string under the short name (for JSON a person reads). */
  decimalsIn?: string;
}

/**
 * A copy of `value` where every numeric (or null) field named in `keys` becomes `{key}Minor`,
 * rounded to an integer (model estimates such as a mean spend are fractional minor units).
 * Nested objects and arrays are walked; other fields are copied as they are.
 */
export function withMinorUnits(value: unknown, keys: ReadonlySet<string>, opts: MinorUnitsOptions = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => withMinorUnits(v, keys, opts));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (keys.has(k) && (typeof v === 'number' || v === null)) {
      const minor = v === null || !Number.isFinite(v) ? null : Math.round(v);
      if (opts.decimalsIn !== undefined) out[k] = minor === null ? null : formatDecimal(minor, opts.decimalsIn);
      out[`${k}Minor`] = minor;
    } else {
      out[k] = withMinorUnits(v, keys, opts);
    }
  }
  return out;
}

/** The inverse of withMinorUnits (without decimals): `{key}Minor` back to `key`, for reading a file this program wrote. */
export function fromMinorUnits(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => fromMinorUnits(v, keys));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const short = k.endsWith('Minor') ? k.slice(0, -'Minor'.length) : '';
    if (keys.has(short) && (typeof v === 'number' || v === null)) out[short] = v;
    else out[k] = fromMinorUnits(v, keys);
  }
  return out;
}

/** Money keys of the ledger's summaries (tillbox summary, /api/members/…/summary, /api/store/…). */
export const SUMMARY_MONEY = new Set(['total', 'amount', 'sales', 'refunds', 'net', 'spend', 'avgBasket', 'delta', 'memberNet']);
/** Money keys of a stored Receipt (the API's receipt detail and rows). */
export const RECEIPT_MONEY = new Set(['unitPrice', 'amount', 'subtotal', 'tax', 'rounding', 'total', 'change']);
/** Money keys of the insights report and its summaries (never `total`: members.total is a count). */
export const INSIGHTS_MONEY = new Set(['monetary', 'sales', 'minValue', 'topSales', 'totalSales', 'expectedSalesHorizon', 'populationMeanSpend', 'allTimeValue', 'value', 'spend']);

/** The nightly insights aggregate as published on MQTT `insights`: no member ids, money in `…Minor`. */
export function insightsAggregatePayload(aggregate: object, currency: string): Record<string, unknown> {
  return withMinorUnits({ ...aggregate, currency }, INSIGHTS_MONEY) as Record<string, unknown>;
}

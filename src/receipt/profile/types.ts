import type { DateOrder } from '../text/dates.js';

/**
 * A declarative parse profile: one POS layout, as YAML in profiles/. Every pattern is a regular
 * expression (JavaScript syntax, matched case-insensitively against one normalised, trimmed line:
 * full-width ：，￥ folded to ASCII). Header and total patterns capture the value in group 1 (or a
 * group named `value`); item row patterns use named groups name, sku, qty, unitPrice, amount.
 */
export interface ProfileSource {
  name: string;
  description?: string;
  /** Header signature for auto-detection. */
  match: { all?: string[]; any?: string[]; none?: string[]; within?: number };
  currency?: string;
  dateOrder?: DateOrder;
  fields?: { store?: string[]; till?: string[]; receiptNo?: string[]; member?: string[]; dateTime?: string[] };
  items?: {
    /** The table starts after the first line matching this (and a rule line right after it). */
    start?: string;
    /** ... and ends at the first line after the start matching this. */
    end?: string;
    /** One row = consecutive lines matching these patterns in order; alternatives tried in order. */
    rows: string[][];
    /** Lines inside the table that are discounts: groups name (optional) and amount. */
    discount?: string[];
  };
  totals?: { total?: string[]; subtotal?: string[]; tax?: string[]; rounding?: string[]; change?: string[]; discount?: string[] };
  payments?: { pattern: string; method: string }[];
  markers?: { reprint?: string[]; refund?: string[]; void?: string[]; other?: string[] };
}

export interface Profile {
  name: string;
  /** File it was loaded from ('' for built in code). */
  file: string;
  source: ProfileSource;
  re: CompiledProfile;
}

export interface CompiledProfile {
  match: { all: RegExp[]; any: RegExp[]; none: RegExp[]; within: number };
  fields: Partial<Record<'store' | 'till' | 'receiptNo' | 'member' | 'dateTime', RegExp[]>>;
  items: { start: RegExp | null; end: RegExp | null; rows: RegExp[][]; discount: RegExp[] } | null;
  totals: Partial<Record<'total' | 'subtotal' | 'tax' | 'rounding' | 'change' | 'discount', RegExp[]>>;
  payments: { re: RegExp; method: string }[];
  markers: Partial<Record<'reprint' | 'refund' | 'void' | 'other', RegExp[]>>;
}

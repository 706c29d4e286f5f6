import { parse as parseYaml } from 'yaml';
import { TillboxError } from '../errors.js';
import type { Receipt, ReceiptItem } from '../receipt/types.js';

/** A basket-triggered store message (footer.rulesFile), optionally with a coupon. */
export interface StoreRule {
  id: string;
  /** Every condition given must hold. spendAtLeast: the receipt total, minor units. */
  when: { category?: string; product?: string; sku?: string; spendAtLeast?: number };
  print: { zh: string; en: string };
  coupon?: { code: string; perMember: number; perDay: number; from?: string; until?: string };
}

/** Most rules a file may hold, and the longest message (a footer line or two). */
export const MAX_RULES = 100;
export const MAX_RULE_TEXT = 64;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[A-Za-z0-9._-]{1,32}$/;

/** "50", "50.5", "50.50" or a number -> minor units (2 decimals), by string arithmetic. */
function minorUnits(v: unknown): number | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (m === null) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * Parses a rules file. Every problem is collected and reported at once (TBX_CONFIG_INVALID,
 * naming the file and the rule), like the config itself.
 */
export function parseRules(text: string, file: string): StoreRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new TillboxError('TBX_CONFIG_INVALID', `${file}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const list = (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new TillboxError('TBX_CONFIG_INVALID', `${file}: expected a top-level 'rules:' list`);
  const problems: string[] = [];
  const rules: StoreRule[] = [];
  if (list.length > MAX_RULES) problems.push(`at most ${MAX_RULES} rules (found ${list.length})`);
  list.slice(0, MAX_RULES).forEach((raw: unknown, i) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const where = `rules[${i}]`;
    const id = str(r['id']);
    if (id === undefined || !ID.test(id)) problems.push(`${where}.id: expected 1-32 letters, digits, . _ -`);
    const cond = (r['if'] ?? {}) as Record<string, unknown>;
    const when: StoreRule['when'] = {};
    for (const k of ['category', 'product', 'sku'] as const) {
      const v = str(cond[k]);
      if (v !== undefined) when[k] = v;
    }
    if (cond['spend'] !== undefined) {
      const m = minorUnits(cond['spend']);
      if (m === undefined) problems.push(`${where}.if.spend: expected an amount like 50 or 49.90`);
      else when.spendAtLeast = m;
    }
    if (Object.keys(when).length === 0) problems.push(`${where}.if: give at least one of category, product, sku, spend`);
    const p = r['print'];
    const zh = str(typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['zh'] : p);
    const en = str(typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['en'] : p);
    if (zh === undefined || en === undefined) problems.push(`${where}.print: expected text, or { zh, en }`);
    else if (zh.length > MAX_RULE_TEXT || en.length > MAX_RULE_TEXT) problems.push(`${where}.print: at most ${MAX_RULE_TEXT} characters`);
    let coupon: StoreRule['coupon'];
    if (r['coupon'] !== undefined) {
      const c = (r['coupon'] ?? {}) as Record<string, unknown>;
      const code = str(c['code']);
      const perMember = c['perMember'] ?? 1;
      const perDay = c['perDay'] ?? 1000;
      if (code === undefined || !/^[A-Z0-9-]{2,16}$/.test(code)) problems.push(`${where}.coupon.code: expected 2-16 capital letters, digits or -`);
      if (!Number.isInteger(perMember) || (perMember as number) < 1) problems.push(`${where}.coupon.perMember: expected a whole number >= 1`);
      if (!Number.isInteger(perDay) || (perDay as number) < 1) problems.push(`${where}.coupon.perDay: expected a whole number >= 1`);
      const from = str(c['from']);
      const until = str(c['until']);
      if (from !== undefined && !DAY.test(from)) problems.push(`${where}.coupon.from: expected YYYY-MM-DD`);
      if (until !== undefined && !DAY.test(until)) problems.push(`${where}.coupon.until: expected YYYY-MM-DD`);
      coupon = { code: code ?? '', perMember: perMember as number, perDay: perDay as number, ...(from !== undefined ? { from } : {}), ...(until !== undefined ? { until } : {}) };
    }
    rules.push({ id: id ?? '', when, print: { zh: zh ?? '', en: en ?? '' }, ...(coupon !== undefined ? { coupon } : {}) });
  });
  if (problems.length > 0) throw new TillboxError('TBX_CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  return rules;
}

/** The rules this receipt triggers (coupon limits are the caller's: they need the ledger). */
export function matchRules(rules: readonly StoreRule[], receipt: Receipt, categoryOf: (item: ReceiptItem) => string, day: string): StoreRule[] {
  return rules.filter((r) => {
    const w = r.when;
    if (w.spendAtLeast !== undefined && (receipt.total ?? 0) < w.spendAtLeast) return false;
    const items = receipt.items.filter((i) => i.amount > 0);
    if (w.category !== undefined && !items.some((i) => categoryOf(i) === w.category)) return false;
    if (w.product !== undefined && !items.some((i) => i.name.includes(w.product as string))) return false;
    if (w.sku !== undefined && !items.some((i) => i.sku === w.sku)) return false;
    if (r.coupon?.from !== undefined && day < r.coupon.from) return false;
    if (r.coupon?.until !== undefined && day > r.coupon.until) return false;
    return true;
  });
}

/**
 * Parser accuracy on the receipt corpus, end to end and with NO profile: every receipt's
 * `lines_monospace` is rendered to ESC/POS bytes with our encoder, decoded with our decoder (when
 * it is present; else the lines go straight in) and parsed with the heuristics alone, then scored
 * against the human `truth`:
 *   total  exact match of the amount due (minor units; by magnitude, as refunds are stored negative)
 *   date   exact match of the calendar date (truth.date_iso)
 *   store  normalised name match (letters and digits, lower case; equal, or one contains the other
 *          and the shorter is at least half the longer)
 *   items  WildReceipt only: precision / recall / F1 of item amounts as multisets
 * Usage: npx tsx bench/parse-eval.ts [--json] [--corpus DIR] [--limit N] [--worst N] [--lines]
 * (--lines skips encoder and decoder, to tell parser problems from decoder problems)
 * Sources: SROIE (Huang et al., ICDAR 2019), WildReceipt (Sun et al. 2021), research use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DecodedDocument } from '../src/escpos/types.js';
import { encodeReceiptText } from '../src/escpos/encoder.js';
import { documentFromLines, parseReceipt, type Receipt } from '../src/receipt/index.js';
import { displayWidth, squash } from '../src/receipt/text/normalise.js';
import type { DateOrder } from '../src/receipt/text/dates.js';
import type { DateOrderSetting } from '../src/receipt/text/date-order.js';
import { TillDateOrders } from '../src/pipeline/date-orders.js';

interface Truth {
  store: string | null;
  date_iso: string | null;
  total_value: number | null;
  items: { amount_value: number | null }[] | null;
  currency?: string | null;
}
export interface CorpusReceipt {
  id: string;
  source: string;
  lines_monospace: string[];
  truth: Truth;
}

export type Decode = (bytes: Buffer, columns: number) => DecodedDocument[];

/** The decoder, if the escpos module exports one yet (it is written in parallel). */
export async function loadDecoder(): Promise<Decode | null> {
  for (const file of ['decoder.js', 'decode.js', 'index.js']) {
    try {
      const mod = (await import(new URL(`../src/escpos/${file}`, import.meta.url).href)) as Record<string, unknown>;
      const fn = mod['decodeAll'];
      if (typeof fn === 'function') return (bytes: Buffer, columns: number) => (fn as (b: Buffer, o: object) => DecodedDocument[])(bytes, { encoding: 'gb18030', columns });
    } catch {
      // not there yet: try the next name
    }
  }
  return null;
}

export function readCorpus(dir: string): CorpusReceipt[] {
  const out: CorpusReceipt[] = [];
  for (const f of ['sroie-dev.jsonl', 'wildreceipt-dev.jsonl']) {
    const text = readFileSync(join(dir, 'receipts', f), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') out.push(JSON.parse(line) as CorpusReceipt);
  }
  return out;
}

const cents = (v: number) => Math.round(v * 100);

function storeMatches(pred: string | null, truth: string | null): boolean {
  if (pred === null || truth === null) return false;
  const a = squash(pred);
  const b = squash(truth);
  if (a === '' || b === '') return false;
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.includes(short) && short.length * 2 >= long.length;
}

export interface CaseResult {
  id: string;
  source: string;
  total: boolean | null;
  date: boolean | null;
  store: boolean | null;
  items: { tp: number; pred: number; truth: number } | null;
  receipt: Receipt;
  truth: Truth;
}

/** How a run reads ambiguous dates: as the bench always did (an order per source), one order, or auto. */
export type DateMode = { kind: 'configured' } | { kind: 'fixed'; order: DateOrder } | { kind: 'auto'; orders: TillDateOrders | null };

export function scoreOne(r: CorpusReceipt, decode: Decode | null, mode: DateMode = { kind: 'configured' }): CaseResult {
  const bytes = encodeReceiptText(r.lines_monospace, { encoding: 'gb18030' });
  // The paper is as wide as the receipt's widest line (a store sets decoder.columns to its printer),
  // so the decoder does not wrap what the printer would not have wrapped. Twice the width: in
  // double-byte mode a GB18030 printer prints £, €, é … as two-cell glyphs.
  const columns = Math.max(48, ...r.lines_monospace.map((l) => 2 * displayWidth(l)));
  const doc = decode === null ? documentFromLines(r.lines_monospace) : (decode(bytes, columns)[0] ?? documentFromLines([]));
  // Configured like a store would be: SROIE shops are Malaysian (day-first), WildReceipt is mostly US.
  const dateOrder: DateOrderSetting = mode.kind === 'configured' ? (r.source === 'sroie' ? 'DMY' : 'MDY') : mode.kind === 'fixed' ? mode.order : 'auto';
  // Learning: all receipts of one source are read as if one till printed them, in file order.
  const learned = mode.kind === 'auto' && mode.orders !== null ? mode.orders.order(r.source) : null;
  const { receipt, dateOrder: decision } = parseReceipt(doc, { profiles: [], currency: 'XXX', timezone: 'UTC', dateOrder, learnedDateOrder: learned });
  if (mode.kind === 'auto' && mode.orders !== null) mode.orders.observe(r.source, decision.votes);
  const t = r.truth;
  let items: CaseResult['items'] = null;
  if (t.items !== null && t.items.length > 0) {
    const want = t.items.map((i) => i.amount_value).filter((v): v is number => v !== null).map(cents);
    const got = receipt.items.map((i) => Math.abs(i.amount));
    const pool = [...want];
    let tp = 0;
    for (const g of got) {
      const k = pool.indexOf(g);
      if (k >= 0) {
        tp++;
        pool.splice(k, 1);
      }
    }
    items = { tp, pred: got.length, truth: want.length };
  }
  return {
    id: r.id,
    source: r.source,
    // Magnitudes: refunds are stored negative, the truth keeps the printed figure ((3.13) -> 3.13).
    total: t.total_value === null ? null : receipt.total !== null && Math.abs(receipt.total) === Math.abs(cents(t.total_value)),
    date: t.date_iso === null ? null : receipt.date === t.date_iso,
    store: t.store === null ? null : storeMatches(receipt.store, t.store),
    items,
    receipt,
    truth: t,
  };
}

export interface Summary {
  source: string;
  receipts: number;
  total: number | null;
  date: number | null;
  store: number | null;
  itemP: number | null;
  itemR: number | null;
  itemF1: number | null;
}

export function summarise(source: string, rs: CaseResult[]): Summary {
  const rate = (xs: (boolean | null)[]) => {
    const ys = xs.filter((x): x is boolean => x !== null);
    return ys.length === 0 ? null : ys.filter(Boolean).length / ys.length;
  };
  const it = rs.map((r) => r.items).filter((x): x is NonNullable<typeof x> => x !== null);
  const tp = it.reduce((s, x) => s + x.tp, 0);
  const pred = it.reduce((s, x) => s + x.pred, 0);
  const tru = it.reduce((s, x) => s + x.truth, 0);
  const p = it.length === 0 || pred === 0 ? null : tp / pred;
  const rc = it.length === 0 || tru === 0 ? null : tp / tru;
  return {
    source,
    receipts: rs.length,
    total: rate(rs.map((r) => r.total)),
    date: rate(rs.map((r) => r.date)),
    store: rate(rs.map((r) => r.store)),
    itemP: p,
    itemR: rc,
    itemF1: p === null || rc === null || p + rc === 0 ? null : (2 * p * rc) / (p + rc),
  };
}

function badness(r: CaseResult): number {
  let b = 0;
  if (r.total === false) b += 2;
  if (r.date === false) b += 1;
  if (r.items !== null) b += 1 - (2 * r.items.tp) / Math.max(1, r.items.pred + r.items.truth);
  return b;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, corpus: { type: 'string' }, limit: { type: 'string' }, worst: { type: 'string' }, lines: { type: 'boolean' } } });
  const dir = values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus');
  const decode = values.lines === true ? null : await loadDecoder();
  let corpus = readCorpus(dir);
  if (values.limit !== undefined) corpus = corpus.slice(0, Number(values.limit));
  const results = corpus.map((r) => scoreOne(r, decode));
  const sources = [...new Set(results.map((r) => r.source))];
  const summaries = [...sources.map((s) => summarise(s, results.filter((r) => r.source === s))), summarise('all', results)];
  const dates = dateFigures(corpus, decode, sources);
  const worst = [...results].sort((a, b) => badness(b) - badness(a)).slice(0, Number(values.worst ?? 20));
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ path: decode === null ? 'lines (no decoder yet)' : 'encode+decode+parse', summaries, dates, worst: worst.map((w) => ({ id: w.id, total: w.total, date: w.date, items: w.items })) })}\n`);
    return;
  }
  const pct = (x: number | null) => (x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
  console.log(`path: ${decode === null ? 'text lines → parse (decoder not available yet)' : 'lines → ESC/POS (encoder) → decoder → parse'}, no profile`);
  console.log('source        n   total    date   store  item P  item R  item F1');
  for (const s of summaries) console.log(`${s.source.padEnd(12)}${String(s.receipts).padStart(4)}  ${pct(s.total)}  ${pct(s.date)}  ${pct(s.store)}  ${pct(s.itemP)}  ${pct(s.itemR)}  ${pct(s.itemF1)}`);
  console.log('\ndate accuracy by how ambiguous dates are read (same run):');
  console.log(`${'mode'.padEnd(44)}${sources.map((s) => s.padStart(13)).join('')}${'all'.padStart(9)}`);
  for (const d of dates) console.log(`${d.mode.padEnd(44)}${sources.map((s) => `${pct(d.bySource[s] ?? null)} (${String(d.wrong[s] ?? 0).padStart(3)})`.padStart(13)).join('')}  ${pct(d.all)}`);
  console.log('(wrong dates in brackets)');
  console.log(`\nworst ${worst.length}:`);
  const money = (v: number | null) => (v === null ? 'null' : (v / 100).toFixed(2));
  for (const w of worst) {
    const it = w.items === null ? '' : ` items ${w.items.tp}/${w.items.pred} pred, ${w.items.truth} truth`;
    console.log(`  ${w.id.padEnd(24)} total ${money(w.receipt.total)} (truth ${w.truth.total_value ?? '-'})  date ${w.receipt.date ?? 'null'} (truth ${w.truth.date_iso ?? '-'})${it}`);
  }
}

interface DateFigure {
  mode: string;
  bySource: Record<string, number | null>;
  wrong: Record<string, number>;
  all: number | null;
}

/**
 * Date accuracy under each way of reading ambiguous dates: before (one order per source, as an
 * installer would configure it; DMY, the old default with no config) and after (auto: each
 * receipt alone, from its own signs; and learning across the receipts of one source).
 */
function dateFigures(corpus: CorpusReceipt[], decode: Decode | null, sources: string[]): DateFigure[] {
  const modes: [string, () => DateMode][] = [
    ['before: configured per source (SROIE DMY, Wild MDY)', () => ({ kind: 'configured' })],
    ['before: old default DMY, no config', () => ({ kind: 'fixed', order: 'DMY' })],
    ['after: auto, each receipt alone', () => ({ kind: 'auto', orders: null })],
    ['after: auto, learned across a source', () => ({ kind: 'auto', orders: new TillDateOrders(null) })],
  ];
  return modes.map(([name, make]) => {
    const mode = make();
    const rs = corpus.map((r) => scoreOne(r, decode, mode));
    const rate = (xs: CaseResult[]) => {
      const ys = xs.filter((x) => x.date !== null);
      return ys.length === 0 ? null : ys.filter((x) => x.date === true).length / ys.length;
    };
    const bySource: Record<string, number | null> = {};
    const wrong: Record<string, number> = {};
    for (const s of sources) {
      bySource[s] = rate(rs.filter((r) => r.source === s));
      wrong[s] = rs.filter((r) => r.source === s && r.date === false).length;
    }
    return { mode: name, bySource, wrong, all: rate(rs) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

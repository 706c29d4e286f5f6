/**
 * The nightly insights job: read the ledger (read-only), compute, and store the result as JSON
 * next to it (written to a temporary file and renamed, so a reader never sees half a file).
 * Segment movement is the change in segment sizes since the previously stored run.
 * The daemon's scheduler calls runInsightsJob; it takes everything as arguments.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { TillboxError } from '../errors.js';
import { fromMinorUnits, INSIGHTS_MONEY, withMinorUnits } from '../money-json.js';
import { resolveOptions, type InsightsOptions } from './options.js';
import { computeInsights, type InsightsReport } from './report.js';
import type { SegmentId } from './rfm.js';
import { ledgerSource, type BasketKey } from './source.js';

export interface SegmentMovement {
  segment: SegmentId;
  members: number;
  previous: number;
  change: number;
}

export interface StoredInsights {
  report: InsightsReport;
  /** Null on the first run (nothing stored before). */
  movement: SegmentMovement[] | null;
  previousGeneratedAt: string | null;
  basketsBy: BasketKey;
  computeMs: number;
}

export interface InsightsJobInput {
  /** An open ledger connection (used as is, not closed) ... */
  db?: Database.Database;
  /** ... or the ledger file, opened read-only for the run. */
  ledgerPath?: string;
  now: Date;
  options?: Partial<InsightsOptions>;
  /** Rules over product names (default) or categories. */
  basketsBy?: BasketKey;
  /** Where to store the result (e.g. dataDir/insights.json); absent: not stored. */
  outPath?: string;
  /** ISO 4217 code written into the stored file next to its `…Minor` amounts (store.currency). */
  currency?: string;
}

export function openLedgerReadOnly(path: string): Database.Database {
  if (!existsSync(path)) throw new TillboxError('TBX_LEDGER_OPEN_FAILED', `${path}: no ledger database here (has the daemon run yet?)`);
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw new TillboxError('TBX_LEDGER_OPEN_FAILED', `${path}: cannot open the ledger read-only (${(err as Error).message})`, { cause: err });
  }
}

export function runInsightsJob(input: InsightsJobInput): StoredInsights {
  const own = input.db === undefined;
  if (own && input.ledgerPath === undefined) throw new TillboxError('TBX_USAGE', 'runInsightsJob: give db or ledgerPath');
  const db = input.db ?? openLedgerReadOnly(input.ledgerPath as string);
  try {
    const opts = resolveOptions(input.options);
    const by = input.basketsBy ?? 'product';
    const source = ledgerSource(db);
    const started = performance.now();
    const report = computeInsights({
      purchases: source.purchases(),
      baskets: source.baskets(input.now.getTime() - opts.windowDays * 86_400_000, by),
      now: input.now,
      options: opts,
    });
    const computeMs = Math.round(performance.now() - started);
    const previous = input.outPath !== undefined ? readStoredInsights(input.outPath) : null;
    const stored: StoredInsights = {
      report,
      movement: previous === null ? null : movementBetween(previous.report, report),
      previousGeneratedAt: previous?.report.generatedAt ?? null,
      basketsBy: by,
      computeMs,
    };
    if (input.outPath !== undefined) {
      const tmp = `${input.outPath}.tmp`;
      // On disk, money is `…Minor` like every JSON this program writes (docs/cli.md); read back by readStoredInsights.
      writeFileSync(tmp, `${JSON.stringify(withMinorUnits({ currency: input.currency ?? null, ...stored }, INSIGHTS_MONEY))}\n`);
      renameSync(tmp, input.outPath);
    }
    return stored;
  } finally {
    if (own) db.close();
  }
}

/**
 * The stored result, or null when there is none or it cannot be read (a new run rewrites it).
 * A file written before the `…Minor` names (unit-less amounts) reads the same.
 */
export function readStoredInsights(path: string): StoredInsights | null {
  try {
    const { currency: _currency, ...parsed } = fromMinorUnits(JSON.parse(readFileSync(path, 'utf8')), INSIGHTS_MONEY) as StoredInsights & { currency?: unknown };
    return parsed.report?.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

export function movementBetween(before: InsightsReport, after: InsightsReport): SegmentMovement[] {
  const prev = new Map(before.rfm.segments.map((s) => [s.segment, s.members]));
  return after.rfm.segments.map((s) => {
    const previous = prev.get(s.segment) ?? 0;
    return { segment: s.segment, members: s.members, previous, change: s.members - previous };
  });
}

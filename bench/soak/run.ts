/**
 * A trading day under faults, compressed: the till prints, the faults strike on a seeded
 * schedule, the page is watched, and at the end the parts are asked what they hold.
 */
import { cpSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '../../tests/support/tmp.js';
import { align, checkLedger, wholeInOrder, chunkLatencies, integrity, phaseAt, stats, type LatencyStats } from './check.js';
import { expectedSign, FULL, planFaults, runFault, SHORT, type FaultKind, type FaultWindow } from './faults.js';
import { HeadOffice, PagePoller, RssSampler } from './observers.js';
import { SoakRig, sleep, type TapStart } from './rig.js';
import { Till } from './till.js';

export interface SoakOptions {
  receipts: number;
  baud: number;
  /** TCP 9100 mode instead of serial ptys */
  tcp: boolean;
  seed: number;
  /** kill -9 of the tap and of the analytics child, each this many times */
  kills: number;
  short: boolean;
  /** pause between receipts (ms); a long run spreads its receipts over the hours asked for */
  gapMs: number;
  /** tap.journalNice for the daemon (absent: its default, 0) */
  journalNice?: number;
  /** ends the run early: no new receipts or faults; the report covers what was printed */
  stop?: AbortSignal;
  /** only these kinds of fault (default: every kind) */
  faults?: FaultKind[];
  /** copy the data directory here before it is removed (for a post-mortem) */
  keep?: string;
  log: (s: string) => void;
}

export interface FaultReport extends FaultWindow {
  /** what the page showed while it lasted */
  pageShowed: string[];
  /** the sign expected (a light, or the page being unreachable) was seen */
  named: boolean;
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log' | 'keep' | 'faults' | 'stop' | 'journalNice'> & { faults: string; stoppedEarly: boolean; journalNice: number | 'default' };
  durationS: number;
  faultsNotRun: { kind: string; why: string }[];
  bytesSent: number;
  bytesPrinted: number;
  bytesAltered: number;
  bytesNotPrinted: number;
  /** the stretches of the till's stream that never reached the printer, with the phase each began in */
  holes: { at: number; bytes: number; phase: string }[];
  journalUndeliveredBytes: number;
  receipts: { printed: number; intactAtPrinter: number; journaled: number; expectedCounted: number; inLedger: number; lost: string[]; lostDuring: string[]; countedTwice: string[]; partsWithoutNumber: number };
  baskets: { expected: number; receivedUnique: number; missing: number; unexpected: number; duplicatesBeforeDedupe: number };
  longestPrintGap: { ms: number; cause: string };
  /** each tap kill -9: ms from the kill to the restart's spawn, ports open, journal open, "tap ready", and to the first byte printed after it */
  tapRestarts: TapRestart[];
  latency: Record<string, Record<string, LatencyStats>>;
  peakRss: Record<string, number>;
  /** per process role: MB at start, after 1 h (null in a shorter run) and at the end (the tap's pid changes at each kill -9) */
  rss: Record<string, { startMb: number; after1hMb: number | null; endMb: number; peakMb: number }>;
  rssCurve: Record<string, { minute: number; mb: number }[]>;
  sizes: Record<string, number>;
  integrity: Record<string, string>;
  faults: FaultReport[];
  page: { requests: number; failures: number };
  tapStarts: number;
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const t = tempDir('tillbox-soak-');
  const rig = new SoakRig({ dir: t.dir, baud: o.baud, tcp: o.tcp, gapMs: o.gapMs, cron: '*/1 * * * *', log: o.log, ...(o.journalNice === undefined ? {} : { journalNice: o.journalNice }) });
  const headOffice = new HeadOffice();
  const page = new PagePoller(rig);
  const rss = new RssSampler(() => ({ tap: rig.tapPid(), analytics: rig.analyticsPid() }));
  const t0 = performance.now();
  try {
    await rig.start();
    await headOffice.start(rig.broker.url);
    await rig.waitAnalytics();
    page.start();
    rss.start();
    const notRun: { kind: string; why: string }[] = [{ kind: 'slow-disk', why: 'no device-mapper in this kernel (dmsetup: no driver) and no delaying FUSE filesystem among Debian packages' }];
    if (!rig.tmpfs) notRun.push({ kind: 'disk-full', why: 'not root: cannot mount a tmpfs to fill' });
    if (!rig.faketime) notRun.push({ kind: 'clock-*', why: 'libfaketime not installed (apt-get install faketime)' });
    const wanted = (k: FaultKind): boolean => o.faults === undefined || o.faults.includes(k);
    const available = (k: FaultKind): boolean => wanted(k) && (k === 'disk-full' ? rig.tmpfs : k.startsWith('clock') ? rig.faketime : true);
    const plan = planFaults(o.receipts, o.kills, o.seed, available);
    o.log(`soak: ${o.receipts} receipts at ${o.baud} baud${o.tcp ? ' over TCP 9100' : ''}, ${plan.length} faults (seed ${o.seed})`);
    const till = new Till(rig.line, [rig.tapLink, ...rig.baselines]);
    const windows: FaultWindow[] = [];
    let printed = 0;
    const faultsDone = (async () => {
      for (const f of plan) {
        await waitFor(() => printed >= f.atReceipt || o.stop?.aborted === true, 7 * 24 * 3600_000, 50); // a week: --hours spreads the receipts
        if (o.stop?.aborted === true) break;
        // The page answers again after the fault before (a restarted child takes seconds on a loaded
        // box), so what the page shows during this fault is about this one (at most 30 s).
        const since = performance.now();
        await waitFor(() => page.samples.some((x) => x.t >= since && x.state === 'ok'), 30_000, 100).catch(() => undefined);
        const w = await runFault(rig, f, o.short ? SHORT : FULL);
        windows.push(w);
        o.log(`  ${w.kind.padEnd(18)} at receipt ${f.atReceipt}, ${((w.end - w.start) / 1000).toFixed(1)} s`);
      }
    })();
    await till.print(o.receipts, o.seed, (n) => (printed = n), o.stop);
    await faultsDone;
    // Settle: everything journaled reaches the ledger and head office.
    const ledgerPath = join(rig.data, 'ledger.db');
    const journalPath = join(rig.data, 'journal.db');
    let verdict = checkLedger(journalPath, ledgerPath, till.receipts, 'soak-store');
    const settleUntil = performance.now() + 90_000;
    while (performance.now() < settleUntil) {
      await sleep(2000);
      verdict = checkLedger(journalPath, ledgerPath, till.receipts, 'soak-store');
      const have = [...verdict.expectedBaskets].filter((id) => headOffice.ids.has(id)).length;
      if (verdict.lost.length === 0 && have === verdict.expectedBaskets.size) break;
    }
    page.stop();
    rss.stop();
    await rig.stopTap();
    await headOffice.stop();

    const sent = till.sentStream();
    const printedBytes = Buffer.concat(rig.tapLink.arrivals.map((a) => a.bytes));
    const { runs, altered } = align(sent, printedBytes);
    const placed = runs.reduce((n, r) => n + r.len, 0);
    const holes = holesIn(runs, sent.length, till.chunks, windows);
    const intact = wholeInOrder(printedBytes, till.receipts).filter((w) => w).length;
    const latency: Record<string, Record<string, LatencyStats>> = {};
    const links = [{ link: rig.tapLink, runs }, ...rig.baselines.map((b) => ({ link: b, runs: align(sent, Buffer.concat(b.arrivals.map((a) => a.bytes))).runs }))];
    const perLink = links.map(({ link, runs: r }) => ({ name: link.name, lat: chunkLatencies(till.chunks, r, link) }));
    const phases = till.chunks.map((c) => phaseAt(c.t, windows));
    for (const phase of new Set(['all', ...phases])) {
      latency[phase] = {};
      for (const { name, lat } of perLink) {
        const vals = lat.filter((v, i): v is number => v !== undefined && (phase === 'all' || phases[i] === phase));
        (latency[phase] as Record<string, LatencyStats>)[name] = stats(vals);
      }
    }
    const gap = longestGap(rig.tapLink.arrivals.map((a) => a.t), till.chunks.map((c) => c.t), windows);
    const tapRestarts = restarts(windows, rig.starts, rig.tapLink.arrivals.map((a) => a.t));
    const faults: FaultReport[] = windows.map((w) => {
      const during = page.samples.filter((s) => s.t >= w.start && s.t <= w.end + 3000);
      const showed = [...new Set(during.flatMap((s) => (s.state === 'unreachable' ? ['page unreachable'] : s.lights)))];
      const sign = expectedSign(w.kind, o.tcp);
      const named = sign === 'none' || (sign === 'page-unreachable' ? showed.includes('page unreachable') : showed.some((l) => l.startsWith(`${sign}:`)));
      return { ...w, pageShowed: showed, named };
    });
    const received = [...verdict.expectedBaskets].filter((id) => headOffice.ids.has(id)).length;
    const size = (f: string): number => {
      try {
        return statSync(join(rig.data, f)).size;
      } catch {
        return 0;
      }
    };
    return {
      options: { receipts: o.receipts, baud: o.baud, tcp: o.tcp, seed: o.seed, kills: o.kills, short: o.short, gapMs: o.gapMs, faults: o.faults?.join(',') ?? 'all', stoppedEarly: o.stop?.aborted === true, journalNice: o.journalNice ?? 'default' },
      durationS: (performance.now() - t0) / 1000,
      faultsNotRun: notRun,
      bytesSent: sent.length,
      bytesPrinted: printedBytes.length,
      bytesAltered: altered,
      bytesNotPrinted: sent.length - placed,
      holes,
      journalUndeliveredBytes: verdict.undeliveredBytes,
      receipts: { printed: till.receipts.length, intactAtPrinter: intact, journaled: verdict.journaledReceipts, expectedCounted: verdict.expectedCounted, inLedger: verdict.inLedger, lost: verdict.lost, lostDuring: verdict.lost.map((no) => phaseAt(till.receipts.find((x) => x.receiptNo === no)?.writeStart ?? 0, windows)), countedTwice: verdict.countedTwice, partsWithoutNumber: verdict.partial },
      baskets: { expected: verdict.expectedBaskets.size, receivedUnique: headOffice.ids.size, missing: verdict.expectedBaskets.size - received, unexpected: headOffice.ids.size - received, duplicatesBeforeDedupe: headOffice.duplicates() },
      longestPrintGap: gap,
      tapRestarts,
      latency,
      peakRss: Object.fromEntries([...rss.curves.values()].map((c) => [c.role, c.peak])),
      rss: rss.summary(t0),
      rssCurve: Object.fromEntries([...rss.curves.values()].map((c) => [c.role, c.points.map((p) => ({ minute: Math.round((p.t - t0) / 60_000), mb: Math.round(p.rss / 1e5) / 10 }))])),
      sizes: { journal: size('journal.db') + size('journal.db-wal'), ledger: size('ledger.db') + size('ledger.db-wal'), outbox: size('outbox.db') + size('outbox.db-wal') },
      integrity: { journal: integrity(journalPath), ledger: integrity(ledgerPath), outbox: integrity(join(rig.data, 'outbox.db')) },
      faults,
      page: { requests: page.requests, failures: page.failures },
      tapStarts: rig.tapStarts,
    };
  } finally {
    page.stop();
    rss.stop();
    await headOffice.stop().catch(() => undefined);
    await rig.close();
    if (o.keep !== undefined) cpSync(t.dir, o.keep, { recursive: true });
    rig.unmount();
    t.cleanup();
  }
}

/**
 * The longest silence at the printer while the till was writing, and every fault it overlapped
 * (not only the first: a gap from a tap kill into the fault after it was blamed on the second).
 */
export function longestGap(arrivals: number[], writes: number[], windows: FaultWindow[]): { ms: number; cause: string } {
  let best = { ms: 0, cause: 'none' };
  let w = 0;
  for (let i = 1; i < arrivals.length; i++) {
    const a = arrivals[i - 1] as number;
    const b = arrivals[i] as number;
    if (b - a <= best.ms) continue;
    while (w < writes.length && (writes[w] as number) < a) w++;
    if (w >= writes.length || (writes[w] as number) >= b - 50) continue; // nothing was written meanwhile
    const faults = windows.filter((f) => f.start <= b && f.end >= a).map((f) => f.kind);
    best = { ms: b - a, cause: faults.length > 0 ? faults.join(' + ') : 'none (no fault active)' };
  }
  return best;
}

export interface TapRestart {
  /** the first byte at the printer after the restart's spawn, from the byte before it */
  printGapMs: number;
  spawnMs: number;
  portsOpenMs: number | null;
  journalOpenMs: number | null;
  readyMs: number | null;
  firstPrintMs: number | null;
}

/** Where the time goes after each tap kill -9 (issue 14: printing resumed 3-5 s after the kill). */
export function restarts(windows: FaultWindow[], starts: TapStart[], arrivals: number[]): TapRestart[] {
  const out: TapRestart[] = [];
  for (const w of windows) {
    if (w.kind !== 'tap-kill9') continue;
    const s = starts.find((x) => x.spawn >= w.start && x.spawn <= w.end);
    if (s === undefined) continue;
    const since = (t: number | undefined): number | null => (t === undefined ? null : Math.round(t - w.start));
    // After the restart's spawn: bytes already in flight at the kill still arrive in its first ms.
    const after = arrivals.find((t) => t >= s.spawn);
    const before = arrivals.filter((t) => t < (after ?? Infinity)).at(-1);
    out.push({
      printGapMs: before === undefined || after === undefined ? NaN : Math.round(after - before),
      spawnMs: Math.round(s.spawn - w.start),
      portsOpenMs: since(s.portsOpen),
      journalOpenMs: since(s.journalOpen),
      readyMs: since(s.ready),
      firstPrintMs: since(after),
    });
  }
  return out;
}

/** Gaps between the aligned runs, in the sent stream's offsets, and the phase of the write each began in. */
export function holesIn(runs: { s: number; len: number }[], total: number, chunks: { t: number; start: number; end: number }[], windows: FaultWindow[]): { at: number; bytes: number; phase: string }[] {
  const out: { at: number; bytes: number; phase: string }[] = [];
  let next = 0;
  const hole = (at: number, end: number): void => {
    if (end <= at) return;
    const c = chunks.find((x) => x.end > at);
    out.push({ at, bytes: end - at, phase: c === undefined ? '?' : phaseAt(c.t, windows) });
  };
  for (const r of runs) {
    hole(next, r.s);
    next = r.s + r.len;
  }
  hole(next, total);
  return out;
}

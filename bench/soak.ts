/**
 * bench/soak: a trading day under faults, compressed (see docs/reliability.md).
 *
 *   npm run build && npx tsx bench/soak.ts [--receipts 5000] [--baud 115200] [--seed 1] [--kills 10]
 *                                          [--tcp] [--short] [--hours H | --gap MS] [--faults K,K] [--journal-nice N]
 *                                          [--json] [--keep DIR]
 *
 * The demo till prints through `tillbox run` between socat ptys (or, with --tcp, over TCP 9100 to
 * the tap's pos.listen, the printer a listener the harness owns), with a real mosquitto, the page
 * polled like a browser, the nightly jobs every minute, and on a seeded schedule: kill -9 of the
 * tap and of the analytics child, printer and till cable pulls, the broker down, the data disk
 * full (tmpfs), the wall clock stepped back an hour and forward a day (libfaketime, wall clock
 * only), SIGSTOP of the analytics child. Loopback only; it stops by itself. Needs root for the
 * tmpfs (without it the disk-full fault is skipped and said so).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setPriority } from 'node:os';
import { CLI, HARNESS_NICE, REPO, UNIT_NICE } from './soak/rig.js';
import { EXPECTED_SIGN, type FaultKind } from './soak/faults.js';
import { runSoak, type SoakReport } from './soak/run.js';

const { values } = parseArgs({
  options: {
    receipts: { type: 'string', default: '5000' },
    baud: { type: 'string', default: '115200' },
    seed: { type: 'string', default: '1' },
    kills: { type: 'string', default: '10' },
    hours: { type: 'string' },
    tcp: { type: 'boolean' },
    gap: { type: 'string' },
    faults: { type: 'string' },
    'journal-nice': { type: 'string' },
    short: { type: 'boolean' },
    json: { type: 'boolean' },
    keep: { type: 'string' },
  },
});
if (!existsSync(CLI)) throw new Error('dist/cli.js missing: run npm run build first');
let harnessNice = 0;
try {
  setPriority(HARNESS_NICE); // this thread; the tap and the baselines are started at UNIT_NICE (rig.ts)
  harnessNice = HARNESS_NICE;
} catch {
  // not root: harness, tap and baselines all at 0
}
const receipts = Number(values.receipts);
const baud = Number(values.baud);
// A long run spreads its receipts over the hours asked for (a receipt is ~700 bytes on the line).
const lineMs = (700 * 10 * 1000) / baud;
const gapMs = values.hours === undefined ? Number(values.gap ?? 0) : Math.max(0, (Number(values.hours) * 3600_000) / receipts - lineMs);
const json = values.json === true;
const log = (s: string): void => {
  if (!json) process.stdout.write(`${s}\n`);
};

const faults = values.faults?.split(',');
const badFault = faults?.find((k) => !Object.hasOwn(EXPECTED_SIGN, k));
if (!Number.isInteger(receipts) || receipts < 1 || !(baud > 0) || (values.hours !== undefined && !(Number(values.hours) > 0)) || !(gapMs >= 0) || badFault !== undefined) {
  process.stderr.write(`soak: --receipts must be a positive integer, --baud and --hours positive, --gap >= 0, --faults some of ${Object.keys(EXPECTED_SIGN).join(',')}\n`);
  process.exit(2);
}
// SIGTERM to this process (kill PID) ends a long run early and cleanly (tmpfs unmounted, processes
// stopped), with its report. Ctrl-C signals the whole process group, daemon and helpers too: the
// run then ends without a report.
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping after the receipt being printed; the report follows`);
    stop.abort();
  });
}
const report = await runSoak({ stop: stop.signal, ...(values['journal-nice'] === undefined ? {} : { journalNice: Number(values['journal-nice']) }), receipts, baud, tcp: values.tcp === true, ...(faults === undefined ? {} : { faults: faults as FaultKind[] }), seed: Number(values.seed), kills: Number(values.kills), short: values.short === true, gapMs, log, ...(values.keep === undefined ? {} : { keep: values.keep }) });
mkdirSync(join(REPO, 'bench', 'out'), { recursive: true });
writeFileSync(join(REPO, 'bench', 'out', `soak-${Date.now()}.json`), JSON.stringify(report, null, 2));
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
else print(report);

function print(r: SoakReport): void {
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
  log(`\nran ${r.durationS.toFixed(0)} s; tap started ${r.tapStarts} times; harness at nice ${harnessNice}, tap and baselines at ${harnessNice === 0 ? 0 : UNIT_NICE}`);
  log(`bytes: sent ${r.bytesSent}, printed ${r.bytesPrinted}, ALTERED ${r.bytesAltered}, not printed ${r.bytesNotPrinted} (journal: ${r.journalUndeliveredBytes} B sent while the printer was down)`);
  const byPhase = new Map<string, { n: number; bytes: number }>();
  for (const h of r.holes) byPhase.set(h.phase, { n: (byPhase.get(h.phase)?.n ?? 0) + 1, bytes: (byPhase.get(h.phase)?.bytes ?? 0) + h.bytes });
  log(`not printed, by the phase it began in: ${[...byPhase].map(([ph, x]) => `${ph} ${x.n}× ${x.bytes} B`).join(', ') || 'nothing'}`);
  const c = r.receipts;
  log(`receipts: printed by the till ${c.printed}, intact at the printer ${c.intactAtPrinter}, whole in the journal ${c.journaled}; sales+refunds expected ${c.expectedCounted}, in the ledger ${c.inLedger}, LOST ${c.lost.length}, COUNTED TWICE ${c.countedTwice.length}; ${c.partsWithoutNumber} parts without a receipt number (cut by a fault)`);
  if (c.lost.length > 0) log(`  lost: ${c.lost.map((no, i) => `${no} (${c.lostDuring[i] ?? '?'})`).join(', ')}`);
  if (c.countedTwice.length > 0) log(`  counted twice: ${c.countedTwice.join(', ')}`);
  const b = r.baskets;
  log(`baskets: expected ${b.expected}, received ${b.receivedUnique} unique (missing ${b.missing}, unexpected ${b.unexpected}), duplicates before dedupe ${b.duplicatesBeforeDedupe}`);
  log(`longest printing gap ${(r.longestPrintGap.ms / 1000).toFixed(2)} s (${r.longestPrintGap.cause})`);
  for (const x of r.tapRestarts) log(`  tap kill -9: printing gap ${x.printGapMs} ms; from the kill: restart spawned +${x.spawnMs}, ports open +${x.portsOpenMs ?? '-'}, journal open +${x.journalOpenMs ?? '-'}, ready +${x.readyMs ?? '-'}, first byte printed +${x.firstPrintMs ?? '-'} ms`);
  log('latency, ms (till write -> printer read), per phase:   tap p50/p99/max | direct socat | node forwarder | added p99 vs socat / vs forwarder');
  for (const [phase, l] of Object.entries(r.latency)) {
    const f = (s: { p50: number; p99: number; max: number } | undefined): string => (s === undefined ? '-' : `${s.p50.toFixed(2)}/${s.p99.toFixed(2)}/${s.max.toFixed(1)}`);
    const tap = l['tap'];
    const added = (x: string): string => (tap === undefined || l[x] === undefined ? '-' : (tap.p99 - (l[x] as { p99: number }).p99).toFixed(2));
    log(`  ${phase.padEnd(26)} ${f(tap).padEnd(18)} ${f(l['direct']).padEnd(18)} ${f(l['forwarder']).padEnd(18)} ${added('direct')} / ${added('forwarder')}   (n=${tap?.count ?? 0})`);
  }
  log(`peak RSS: ${Object.entries(r.peakRss).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
  for (const [role, s] of Object.entries(r.rss)) log(`  ${role} RSS MB: start ${s.startMb}, after 1 h ${s.after1hMb ?? '(run < 1 h)'}, end ${s.endMb}`);
  for (const [role, pts] of Object.entries(r.rssCurve)) log(`  ${role} RSS by minute: ${pts.map((p) => `${p.minute}:${p.mb}`).join(' ')}`);
  log(`sizes: ${Object.entries(r.sizes).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}; integrity ${JSON.stringify(r.integrity)}`);
  log('faults and what the page showed:');
  for (const f of r.faults) log(`  ${f.named ? 'named ' : 'SILENT'} ${f.kind.padEnd(18)} ${((f.end - f.start) / 1000).toFixed(1).padStart(6)} s  ${f.pageShowed.join(', ') || '(all green)'}`);
  for (const n of r.faultsNotRun) log(`  not run: ${n.kind}: ${n.why}`);
}

/**
 * bench/priority: does niceness for what is not forwarding move the byte path's p99 while the
 * analytics child ingests a backlog flat out? (issue 14 item 3: measure, don't guess.)
 *
 *   npm run build && npx tsx bench/priority.ts [--json] [--nice off,keys,unit,on] [--rounds 2] [--receipts 3000] [--hog 0]
 *
 * One run, variants interleaved (off, on, off, on, ...), each a fresh real daemon (`node dist/cli.js
 * run`, node flags from systemd/tillbox.service) between socat ptys, beside one plain socat relay
 * (the direct link) used by every variant. Variants (see NICE): `off` all at 0; `keys`
 * tap.analyticsNice 10 and tap.journalNice 5; `unit` the daemon started at the unit's Nice=-5; `on`
 * both; `on-j0` both but tap.journalNice 0 (the default now: see docs/reliability.md). Per variant:
 *   quiet    the child idle: 32-byte probe chunks, one per rig every 10 ms, tap and direct interleaved
 *   backlog  the child was SIGSTOPped while --receipts demo receipts went through the tap at pty
 *            speed (journaled, not yet parsed), then SIGCONT: probes until the child's CPU use drops
 *            (it has caught up), with its CPU seconds and how long it took
 * "Added" is tap minus direct at the same percentile. --hog N adds N busy loops at nice 0 (other
 * work on the box), so the cores are contended in every variant alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SerialPort } from 'serialport';
import { demoReceipts, type DemoReceipt } from '../src/demo/receipts.js';
import { encodeReceiptText } from '../src/escpos/index.js';
import { CLI, DaemonProcess, writeConfig } from '../tests/tap/daemon-process.js';
import { closeEnd, openEnd, PtyPair, SOCAT } from '../tests/support/socat.js';
import { tempDir, waitFor } from '../tests/support/tmp.js';
import { childrenOf } from './proc-sample.js';
import { cpuSeconds } from './proc-sample.js';
import { oneChunk, rigOf, type Rig } from './chunk-probe.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    nice: { type: 'string', default: 'off,keys,unit,on' },
    rounds: { type: 'string', default: '2' },
    receipts: { type: 'string', default: '3000' },
    probes: { type: 'string', default: '500' },
    hog: { type: 'string', default: '0' },
  },
});
const INTERVAL_MS = 10;
/** The backlog phase ends when the child used less than this share of a core over a second ... */
const CAUGHT_UP_CPU = 0.05;
/** ... or after this long. */
const BACKLOG_MAX_MS = 90_000;
/**
 * unitNice: the niceness the daemon starts at (systemd/tillbox.service's Nice=, which the analytics
 * child and the writer thread inherit unless the keys change them); the keys are tap.analyticsNice
 * and tap.journalNice.
 */
const NICE: Record<string, { unitNice: number; analyticsNice: number; journalNice: number }> = {
  off: { unitNice: 0, analyticsNice: 0, journalNice: 0 },
  keys: { unitNice: 0, analyticsNice: 10, journalNice: 5 },
  unit: { unitNice: -5, analyticsNice: 0, journalNice: 0 },
  on: { unitNice: -5, analyticsNice: 10, journalNice: 5 },
  /** `on` with the journal writer thread left at the tap's niceness (tap.journalNice 0, the default) */
  'on-j0': { unitNice: -5, analyticsNice: 10, journalNice: 0 },
};
/**
 * The harness (probe writer and reader, this process) and the direct socat relay run at this
 * niceness when allowed (root), so the other load on a shared machine shows less as latency on
 * either path; the baseline is then an ideal wire.
 */
const HARNESS_NICE = -10;
const REPO = resolve(import.meta.dirname, '..');
const say = (s: string): void => {
  if (!values.json) process.stdout.write(`${s}\n`);
};


/** Probes at a fixed schedule until `more()` says stop (checked every round) or `max` rounds. */
async function probe(direct: Rig, tap: Rig, chunk: Buffer, max: number, more: () => boolean = () => true): Promise<{ direct: number[]; tap: number[] }> {
  const out = { direct: [] as number[], tap: [] as number[] };
  const t0 = performance.now();
  for (let i = 0; i < max && more(); i++) {
    for (const r of i % 2 === 0 ? [direct, tap] : [tap, direct]) out[r.name].push(await oneChunk(r, chunk));
    await new Promise((res) => setTimeout(res, Math.max(0, t0 + (i + 1) * INTERVAL_MS - performance.now())));
  }
  return out;
}

function stat(xs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...xs].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}


function backlogBytes(n: number): Buffer {
  let clock = Date.UTC(2026, 10, 2, 8, 0, 0);
  const gen = demoReceipts(7, () => new Date((clock += 47_000)));
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(encodeReceiptText((gen.next().value as DemoReceipt).lines, { encoding: 'gb18030' }));
  return Buffer.concat(out);
}

/** This thread's niceness (root only below 0); false where not permitted. */
function setNice(n: number): boolean {
  try {
    setPriority(n);
    return true;
  } catch {
    return false;
  }
}

function write(port: SerialPort, bytes: Buffer): Promise<void> {
  return new Promise((res, rej) => port.write(bytes, (err) => (err ? rej(err) : port.drain(() => res()))));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

type Phase = { direct: ReturnType<typeof stat>; tap: ReturnType<typeof stat>; addedP50: number; addedP99: number };
const phaseOf = (p: { direct: number[]; tap: number[] }): Phase => {
  const d = stat(p.direct);
  const t = stat(p.tap);
  return { direct: d, tap: t, addedP50: t.p50 - d.p50, addedP99: t.p99 - d.p99 };
};

async function variant(name: string, direct: Rig, backlog: Buffer, chunk: Buffer, nodeFlags: string[]) {
  const t = tempDir(`tbx-prio-${name}-`);
  const cleanups: (() => Promise<unknown> | void)[] = [t.cleanup];
  try {
    const p1 = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
    const p2 = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
    cleanups.push(() => p1.kill(), () => p2.kill());
    const { unitNice, ...keys } = NICE[name]!;
    const cfg = writeConfig(t.dir, { pos: { path: p1.b, baudRate: 115200 }, printer: { path: p2.a, baudRate: 115200 }, log: { level: 'warn' }, tap: keys });
    // A forked process starts at the niceness of the thread that forks it (this main thread).
    setNice(unitNice);
    const daemon = new DaemonProcess([...nodeFlags, CLI, 'run', '--config', cfg]);
    setNice(HARNESS_NICE);
    cleanups.push(() => daemon.stop());
    const tapPid = daemon.proc.pid ?? 0;
    const analyticsChild = (): number | undefined => childrenOf(tapPid).find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('analytics-main');
      } catch {
        return false;
      }
    });
    await waitFor(analyticsChild, 30_000, 100);
    await new Promise((r) => setTimeout(r, 3000)); // start-up work done
    const child = analyticsChild() ?? 0;
    const ends = [await openEnd(p1.a, 115200), await openEnd(p2.b, 115200)] as const;
    cleanups.push(...ends.map((e) => () => closeEnd(e)));
    const tap = rigOf('tap', ends[0], ends[1], 30_000);
    await probe(direct, tap, chunk, 50); // warm-up, discarded
    const quiet = await probe(direct, tap, chunk, Number(values.probes));

    process.kill(child, 'SIGSTOP');
    const blastStart = performance.now();
    const before = tap.got();
    for (let i = 0; i < backlog.length; i += 4096) await write(tap.pos, backlog.subarray(i, i + 4096));
    await tap.until(before + backlog.length);
    const blastMs = performance.now() - blastStart;
    await new Promise((r) => setTimeout(r, 500)); // the journal commits the tail

    const cpu0 = cpuSeconds(child);
    const t0 = performance.now();
    let last = { t: t0, cpu: cpu0 };
    let done = false;
    const watch = setInterval(() => {
      const now = { t: performance.now(), cpu: cpuSeconds(child) };
      if (Number.isNaN(now.cpu) || (now.t - t0 > 1500 && (now.cpu - last.cpu) / ((now.t - last.t) / 1000) < CAUGHT_UP_CPU) || now.t - t0 > BACKLOG_MAX_MS) done = true;
      last = now;
    }, 1000);
    process.kill(child, 'SIGCONT');
    const busy = await probe(direct, tap, chunk, Number.MAX_SAFE_INTEGER, () => !done);
    clearInterval(watch);
    return {
      variant: name, ...NICE[name],
      quiet: phaseOf(quiet), backlog: phaseOf(busy),
      blastMs: Math.round(blastMs), ingestMs: Math.round(last.t - t0), childCpuSeconds: Math.round((last.cpu - cpu0) * 100) / 100, childRestarted: Number.isNaN(last.cpu),
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    process.stderr.write('dist/cli.js missing: run `npm run build` first\n');
    process.exit(2);
  }
  const unitFlags = (/^Environment="TBX_NODE_FLAGS=([^"]*)"/m.exec(readFileSync(join(REPO, 'systemd', 'tillbox.service'), 'utf8'))?.[1] ?? '').trim();
  const nodeFlags = unitFlags.split(' ').filter((f) => f !== '');
  const names = values.nice.split(',').map((s) => s.trim());
  for (const n of names) if (NICE[n] === undefined) throw new Error(`--nice: expected some of ${Object.keys(NICE).join(', ')}, got ${n}`);
  const backlog = backlogBytes(Number(values.receipts));
  const chunk = Buffer.from('\x1b!\x00 2x 光明酸奶 5.80  11.60\n'.padEnd(32, ' '), 'utf8').subarray(0, 32);
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < Number(values.hog); i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));

  const t = tempDir('tbx-prio-');
  const cleanups: (() => Promise<unknown> | void)[] = [t.cleanup, ...hogs.map((h) => () => stopChild(h))];
  try {
    const d1 = await PtyPair.create(join(t.dir, 'd-posT'), join(t.dir, 'd-posD'));
    const d2 = await PtyPair.create(join(t.dir, 'd-prnD'), join(t.dir, 'd-prnT'));
    const harnessNice = setNice(HARNESS_NICE) ? HARNESS_NICE : 0;
    const relay = spawn(SOCAT, ['-b', '65536', `${d1.b},raw,echo=0`, `${d2.a},raw,echo=0`], { stdio: 'ignore' });
    cleanups.push(() => d1.kill(), () => d2.kill(), () => stopChild(relay));
    const ends = [await openEnd(d1.a, 115200), await openEnd(d2.b, 115200)] as const;
    cleanups.push(...ends.map((e) => () => closeEnd(e)));
    const direct = rigOf('direct', ends[0], ends[1], 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const runs = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const n of round % 2 === 0 ? names : [...names].reverse()) {
        say(`round ${round + 1}: variant ${n} ...`);
        runs.push(await variant(n, direct, backlog, chunk, nodeFlags));
      }
    }
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const result = { bench: 'priority', node: process.version, nodeFlags, backlogReceipts: Number(values.receipts), backlogBytes: backlog.length, hogs: hogs.length, harnessNice, cpus: cpus().length, loadAverage1m: r3(loadavg()[0] ?? NaN), runs };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const f = (x: number) => x.toFixed(3).padStart(7);
    say(`\nlatency per 32-byte chunk POS end → printer end, ms; backlog ${backlog.length} bytes (${values.receipts} receipts); ${hogs.length} hog(s); load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
    say(`harness and direct relay at nice ${harnessNice}; variants: unit = the daemon's start niceness (Nice=), a/j = tap.analyticsNice / tap.journalNice`);
    say('variant (unit/a/j)   phase     n     direct p99  tap p50  tap p99  added p50  added p99   ingest ms / child CPU s');
    for (const r of runs) {
      for (const [ph, x] of [['quiet', r.quiet], ['backlog', r.backlog]] as const) {
        const extra = ph === 'backlog' ? `   ${r.ingestMs} / ${r.childCpuSeconds}${r.childRestarted ? ' (child restarted)' : ''}` : '';
        say(`  ${`${r.variant} (${r.unitNice}/${r.analyticsNice}/${r.journalNice})`.padEnd(18)} ${ph.padEnd(8)} ${String(x.tap.n).padStart(5)}  ${f(x.direct.p99)}  ${f(x.tap.p50)}  ${f(x.tap.p99)}  ${f(x.addedP50)}  ${f(x.addedP99)}${extra}`);
      }
    }
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

await main();

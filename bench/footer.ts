/**
 * bench/footer: what at-till footers cost, measured in one run against footers off.
 *
 *   npm run build && npx tsx bench/footer.ts [--json] [--receipts N] [--chunks N] [--burst N]
 *
 * Two real daemons (`node dist/cli.js run`, journal and analytics child) over socat pty pairs, one
 * with footers on, one off. Measured:
 * - hold time, cut received to block written (the tap's own figure, from its debug log), with
 *   the analytics child idle (one receipt at a time) and busy (a burst of receipts it must also
 *   decode, parse and file, i.e. ingesting a backlog while it answers);
 * - added latency of every other byte: a 32-byte text chunk, POS write to printer read, rounds
 *   interleaved between the two rigs so machine noise hits both alike;
 * - tap process RSS (VmHWM) of both rigs.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodeReceiptText } from '../src/escpos/encoder.js';
import { tempDir, waitFor } from '../tests/support/tmp.js';
import { demoDay } from '../tests/tap/footer-diff.js';
import { daemonMiddle, ptyRig, roundTrip, totalBytes, type PtyRig } from './pty-rig.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, receipts: { type: 'string', default: '200' }, chunks: { type: 'string', default: '1000' }, burst: { type: 'string', default: '300' } } });
const say = (s: string): void => {
  if (values.json !== true) process.stdout.write(`${s}\n`);
};

interface Rig extends PtyRig {
  holds: number[];
  /** The child's own time per request (decode, parse, ledger reads, render). */
  compute: number[];
  late: number;
}

async function rig(name: 'on' | 'off', dir: string): Promise<Rig> {
  // The log reader fills these; once the rig exists they are the rig's own fields.
  let fig: Pick<Rig, 'holds' | 'compute' | 'late'> = { holds: [], compute: [], late: 0 };
  let started = false;
  const onLine = (line: string): void => {
    if (!line.includes('"module":"footer"') && !line.includes('analytics started')) return;
    const l = JSON.parse(line) as { msg: string; holdMs?: number; kind?: string; computeMs?: number };
    if (l.msg === 'analytics started') started = true;
    else if (l.msg === 'footer answered' && typeof l.computeMs === 'number') fig.compute.push(l.computeMs);
    else if (l.msg === 'footer outcome' && typeof l.holdMs === 'number' && l.kind !== 'split' && l.kind !== 'unsent') fig.holds.push(l.holdMs);
    else if (l.msg.startsWith('footer skipped: late')) {
      fig.late++;
      fig.holds.push(l.holdMs ?? 150);
    }
  };
  const extra = {
    log: { level: 'debug' },
    footer: { enabled: name === 'on', maxHoldMs: 150, qr: { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' } },
  };
  const r: Rig = Object.assign(await ptyRig(name, dir, daemonMiddle(dir, name, { extra, onLine, readyWhen: () => started })), fig);
  fig = r;
  return r;
}

const total = totalBytes;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function vmHwm(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Sends receipts one at a time, each after the previous one's outcome: the child is idle. */
async function oneByOne(r: Rig, receipts: Buffer[]): Promise<void> {
  for (const b of receipts) {
    const n = r.holds.length;
    const before = total(r.received);
    r.pos.write(b);
    await waitFor(() => r.holds.length > n && total(r.received) >= before + b.length, 10_000, 1);
  }
}

const t = tempDir('tbx-bench-footer-');
try {
  say('starting rigs (footers off, footers on) ...');
  const off = await rig('off', t.dir);
  const on = await rig('on', t.dir);
  const sales = (n: number, seed: number): Buffer[] => demoDay(n * 2 + seed).filter((d) => d.kind === 'sale').slice(seed, seed + n).map((d) => encodeReceiptText(d.lines));

  // Warm both (JIT, SQLite caches), then idle holds.
  await oneByOne(on, sales(20, 0));
  on.holds.length = 0;
  on.compute.length = 0;
  on.late = 0;
  await oneByOne(on, sales(Number(values.receipts), 20));
  const idle = [...on.holds];
  const idleCompute = [...on.compute];
  const idleLate = on.late;

  // Busy: a burst written at once; the child files every receipt while answering the holds.
  on.holds.length = 0;
  on.compute.length = 0;
  on.late = 0;
  const burst = sales(Number(values.burst), 5);
  const burstBytes = Buffer.concat(burst);
  const before = total(on.received);
  on.pos.write(burstBytes);
  await waitFor(() => total(on.received) >= before + burstBytes.length && on.holds.length >= burst.length, 120_000, 5);
  const busy = [...on.holds];
  const busyCompute = [...on.compute];
  const busyLate = on.late;
  off.pos.write(burstBytes); // the same work for the off rig's child, for the RSS comparison
  await waitFor(() => total(off.received) >= burstBytes.length, 120_000, 5);

  // Every other byte: a text chunk with no cut, footers on vs off, interleaved.
  const chunk = Buffer.from('\x1b!\x00 2x 光明酸奶 5.80  11.60\n'.padEnd(32, ' '), 'utf8').subarray(0, 32);
  const lat: Record<string, number[]> = { on: [], off: [] };
  for (let i = 0; i < 20; i++) for (const r of [on, off]) await roundTrip(r, chunk);
  for (let i = 0; i < Number(values.chunks); i++) {
    for (const r of i % 2 === 0 ? [off, on] : [on, off]) lat[r.name]!.push(await roundTrip(r, chunk));
    await new Promise((res) => setTimeout(res, 1));
  }
  const rss = { on: vmHwm(on.pid), off: vmHwm(off.pid) };
  await on.stop();
  await off.stop();

  const ms = (ns: number): number => ns / 1e6;
  const result = {
    bench: 'footer',
    maxHoldMs: 150,
    holdMs: {
      idle: { n: idle.length, p50: pct(idle, 50), p99: pct(idle, 99), max: Math.max(...idle), late: idleLate },
      busy: { n: busy.length, p50: pct(busy, 50), p99: pct(busy, 99), max: Math.max(...busy), late: busyLate },
    },
    childComputeMs: {
      idle: { p50: pct(idleCompute, 50), p99: pct(idleCompute, 99) },
      busy: { p50: pct(busyCompute, 50), p99: pct(busyCompute, 99) },
    },
    otherBytesLatencyMs: {
      off: { p50: ms(pct(lat['off']!, 50)), p99: ms(pct(lat['off']!, 99)) },
      on: { p50: ms(pct(lat['on']!, 50)), p99: ms(pct(lat['on']!, 99)) },
      addedP99: ms(pct(lat['on']!, 99) - pct(lat['off']!, 99)),
    },
    tapPeakRssBytes: { ...rss, delta: rss.on - rss.off },
    targets: { holdP99Ms: 30, addedP99Ms: 0.1, rssDeltaBytes: 5 * 1024 * 1024 },
  };
  if (values.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const f = (x: number): string => x.toFixed(2);
    const h = result.holdMs;
    say(`hold time, cut received -> block written (maxHoldMs 150), measured under the machine's current load:`);
    say(`  idle child: n=${h.idle.n} p50 ${f(h.idle.p50)} ms  p99 ${f(h.idle.p99)} ms  max ${f(h.idle.max)} ms  late ${h.idle.late}`);
    say(`  busy child: n=${h.busy.n} p50 ${f(h.busy.p50)} ms  p99 ${f(h.busy.p99)} ms  max ${f(h.busy.max)} ms  late ${h.busy.late}`);
    const c = result.childComputeMs;
    say(`  of which the child's own work: idle p50 ${f(c.idle.p50)} p99 ${f(c.idle.p99)} ms; busy p50 ${f(c.busy.p50)} p99 ${f(c.busy.p99)} ms`);
    const o = result.otherBytesLatencyMs;
    say(`other bytes (32-byte chunk, ${values.chunks} each): off p50 ${o.off.p50.toFixed(3)} p99 ${o.off.p99.toFixed(3)} ms; on p50 ${o.on.p50.toFixed(3)} p99 ${o.on.p99.toFixed(3)} ms; added p99 ${o.addedP99.toFixed(3)} ms`);
    say(`tap peak RSS: off ${(rss.off / 1048576).toFixed(1)} MB, on ${(rss.on / 1048576).toFixed(1)} MB (delta ${((rss.on - rss.off) / 1048576).toFixed(1)} MB)`);
  }
} finally {
  t.cleanup();
}

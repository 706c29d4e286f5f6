/**
 * bench/tap: what the tap costs compared with a direct link, measured in the same run.
 *
 *   npm run build && npx tsx bench/tap.ts [--json] [--corpus DIR] [--chunks N] [--usb]
 *
 * Two identical rigs of socat pty pairs; in one the middle is the real tap process
 * (`node dist/cli.js run`, journal and analytics child included), in the other a plain
 * `socat` relay. Latency is per chunk, POS end write → printer end read, rounds interleaved so
 * machine noise hits both alike; "added" is tap minus direct at the same percentile.
 *
 * --usb adds a third rig, the tap with both sides on its USB path (pos.usbGadget, printer.usb):
 * ptys stand in for /dev/g_printer0 and /dev/usb/lp0, opened as USB printer devices are
 * (src/tap/char-device.ts), with a fake sysfs for the printer's identity. It measures the tap's
 * own cost on that path, not a USB bus's (there is none here).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SOCAT } from '../tests/support/socat.js';
import { tempDir, waitFor } from '../tests/support/tmp.js';
import { fakeUsbPrinterSysfs, GPRINTER } from '../tests/support/usb-emulation.js';
import { daemonMiddle, ptyRig, roundTrip, totalBytes, type PtyRig } from './pty-rig.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, corpus: { type: 'string' }, chunks: { type: 'string', default: '3000' }, 'node-flags': { type: 'string' }, usb: { type: 'boolean' } } });
const REPO = resolve(import.meta.dirname, '..');
/** Run the tap exactly as production does: with the node flags of systemd/tillbox.service's ExecStart. */
const UNIT_FLAGS = (/^Environment="TBX_NODE_FLAGS=([^"]*)"$/m.exec(readFileSync(join(REPO, 'systemd', 'tillbox.service'), 'utf8'))?.[1] ?? '').trim();
const NODE_FLAGS = (values['node-flags'] ?? UNIT_FLAGS).split(' ').filter((f) => f !== '');
const say = (s: string): void => {
  if (values.json !== true) process.stdout.write(`${s}\n`);
};

type Rig = PtyRig;

/** The real tap between the pairs (serial or USB path), or a plain socat relay (the direct link it is compared with). */
async function rig(name: 'tap' | 'usb' | 'direct', dir: string): Promise<Rig> {
  const extra = { log: { level: 'warn' } };
  if (name === 'tap') return ptyRig(name, dir, daemonMiddle(dir, name, { extra, nodeFlags: NODE_FLAGS }));
  if (name === 'usb') {
    const sides = (posSide: string, printerSide: string): Record<string, unknown> => ({
      pos: { usbGadget: true, gadgetPath: posSide },
      printer: { usb: printerSide },
      usb: { sysfsRoot: usbSysfs(dir, basename(printerSide)) },
    });
    return ptyRig(name, dir, daemonMiddle(dir, name, { extra, sides, nodeFlags: NODE_FLAGS }));
  }
  return ptyRig(name, dir, {
    spawn: (posSide, printerSide) => spawn(SOCAT, ['-b', '65536', `${posSide},raw,echo=0`, `${printerSide},raw,echo=0`], { stdio: 'ignore' }),
    ready: () => new Promise((r) => setTimeout(r, 300)),
  });
}

/** A fake sysfs naming the emulated printer device (the tap reads its identity at open). */
function usbSysfs(dir: string, lp: string): string {
  const root = join(dir, 'usb-sys');
  fakeUsbPrinterSysfs(root, lp, GPRINTER);
  return root;
}

const total = totalBytes;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function paced(r: Rig, data: Buffer, bytesPerSec: number): Promise<number> {
  const before = total(r.received);
  const t0 = performance.now();
  let sent = 0;
  while (sent < data.length) {
    const due = Math.min(data.length, Math.floor(((performance.now() - t0) * bytesPerSec) / 1000));
    if (due > sent) {
      r.pos.write(data.subarray(sent, due));
      sent = due;
    }
    await new Promise((res) => setTimeout(res, 2));
  }
  await waitFor(() => total(r.received) >= before + data.length, 60_000, 1);
  return (data.length * 1000) / (performance.now() - t0);
}

async function blast(r: Rig, data: Buffer): Promise<number> {
  const before = total(r.received);
  const t0 = performance.now();
  r.pos.write(data);
  await waitFor(() => total(r.received) >= before + data.length, 120_000, 1);
  return (data.length * 1000) / (performance.now() - t0);
}

function payload(size: number): Buffer {
  const dir = values.corpus ?? join(REPO, '..', 'shared', 'corpus', 'escpos');
  let seed: Buffer;
  if (existsSync(dir)) {
    seed = Buffer.concat(readdirSync(dir).filter((f) => f.endsWith('.bin')).sort().map((f) => readFileSync(join(dir, f))));
  } else {
    seed = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff));
  }
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += seed.length) seed.copy(out, o, 0, Math.min(seed.length, size - o));
  return out;
}

function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

const t = tempDir('tbx-bench-');
try {
  say('starting rigs (direct socat relay, tillbox tap) ...');
  const direct = await rig('direct', t.dir);
  const tap = await rig('tap', t.dir);
  const usb = values.usb === true ? await rig('usb', t.dir) : undefined;
  const rigs = usb !== undefined ? [direct, tap, usb] : [direct, tap];
  const chunks = Number(values.chunks);
  const lat: Record<string, number[]> = { tap: [], direct: [], usb: [] };
  const chunk = Buffer.from('\x1b!\x00 2x 光明酸奶 5.80  11.60\n'.padEnd(32, ' '), 'utf8').subarray(0, 32);
  for (let i = 0; i < 20; i++) {
    for (const r of rigs) await roundTrip(r, chunk);
  }
  for (let i = 0; i < chunks; i++) {
    // Rotated each round, so no rig always goes first.
    const order = rigs.map((_, k) => rigs[(k + i) % rigs.length]!);
    for (const r of order) lat[r.name]!.push(await roundTrip(r, chunk));
    await new Promise((res) => setTimeout(res, 1));
  }
  const stat = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { p50: pct(s, 50) / 1e6, p99: pct(s, 99) / 1e6 };
  };
  const lt = stat(lat['tap']!);
  const ld = stat(lat['direct']!);

  const line = payload(23_040); // 2 s at 115200 baud
  const paceTap = await paced(tap, line, 11_520);
  const paceDirect = await paced(direct, line, 11_520);
  const rssLineSpeed = vmHwm(tap.pid);
  const big = payload(4 * 1024 * 1024);
  const fastDirect = await blast(direct, big);
  const fastTap = await blast(tap, big);
  const usbPhase = usb !== undefined ? { paced: await paced(usb, line, 11_520), fast: await blast(usb, big) } : undefined;

  // Zero altered bytes: everything the printer end of the tap rig received, in order.
  const sentAll = Buffer.concat([...Array.from({ length: 20 + chunks }, () => chunk), line, big]);
  const got = Buffer.concat(tap.received);
  let altered = Math.abs(got.length - sentAll.length);
  for (let i = 0; i < Math.min(got.length, sentAll.length); i++) if (got[i] !== sentAll[i]) altered++;
  const rss = vmHwm(tap.pid);
  let usbAltered = 0;
  if (usb !== undefined) {
    const gotUsb = Buffer.concat(usb.received);
    usbAltered = Math.abs(gotUsb.length - sentAll.length);
    for (let i = 0; i < Math.min(gotUsb.length, sentAll.length); i++) if (gotUsb[i] !== sentAll[i]) usbAltered++;
    await usb.stop();
  }
  await tap.stop();
  await direct.stop();

  const result = {
    bench: 'tap',
    nodeFlags: NODE_FLAGS,
    chunkBytes: chunk.length,
    chunks,
    latencyMs: { tap: lt, direct: ld, added: { p50: lt.p50 - ld.p50, p99: lt.p99 - ld.p99 } },
    throughputBytesPerSec: {
      at115200: { offered: 11_520, tap: Math.round(paceTap), direct: Math.round(paceDirect) },
      unthrottled: { tap: Math.round(fastTap), direct: Math.round(fastDirect), ratio: fastTap / fastDirect },
    },
    alteredBytes: altered,
    bytesChecked: sentAll.length,
    tapPeakRssBytes: { lineSpeed: rssLineSpeed, afterUnthrottled: rss },
    targets: { addedP99Ms: 1, rssBytes: 80 * 1024 * 1024 },
    ...(usb !== undefined && usbPhase !== undefined
      ? (() => {
          const lu = stat(lat['usb']!);
          return {
            usb: {
              latencyMs: { usb: lu, addedVsDirect: { p50: lu.p50 - ld.p50, p99: lu.p99 - ld.p99 }, vsSerialTap: { p50: lu.p50 - lt.p50, p99: lu.p99 - lt.p99 } },
              throughputBytesPerSec: { at115200: Math.round(usbPhase.paced), unthrottled: Math.round(usbPhase.fast), ratioToDirect: usbPhase.fast / fastDirect },
              alteredBytes: usbAltered,
            },
          };
        })()
      : {}),
  };
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const f = (x: number) => x.toFixed(3);
    say(`latency per ${chunk.length}-byte chunk (${chunks} each, interleaved):`);
    say(`  direct socat  p50 ${f(ld.p50)} ms  p99 ${f(ld.p99)} ms`);
    say(`  tillbox tap   p50 ${f(lt.p50)} ms  p99 ${f(lt.p99)} ms`);
    say(`  added         p50 ${f(lt.p50 - ld.p50)} ms  p99 ${f(lt.p99 - ld.p99)} ms   (target p99 < 1 ms)`);
    say(`throughput at 115200 baud (offered 11520 B/s): tap ${Math.round(paceTap)} B/s, direct ${Math.round(paceDirect)} B/s`);
    say(`throughput unthrottled (4 MiB): tap ${(fastTap / 1e6).toFixed(1)} MB/s, direct ${(fastDirect / 1e6).toFixed(1)} MB/s (ratio ${(fastTap / fastDirect).toFixed(2)})`);
    say(`altered bytes: ${altered} of ${sentAll.length}`);
    if (result.usb !== undefined) {
      const u = result.usb;
      say(`USB path (emulated devices, --usb):`);
      say(`  tillbox tap   p50 ${f(u.latencyMs.usb.p50)} ms  p99 ${f(u.latencyMs.usb.p99)} ms`);
      say(`  added         p50 ${f(u.latencyMs.addedVsDirect.p50)} ms  p99 ${f(u.latencyMs.addedVsDirect.p99)} ms vs direct; ${f(u.latencyMs.vsSerialTap.p50)} / ${f(u.latencyMs.vsSerialTap.p99)} ms vs the serial tap`);
      say(`  throughput    ${u.throughputBytesPerSec.at115200} B/s at 115200 offered, ${(u.throughputBytesPerSec.unthrottled / 1e6).toFixed(1)} MB/s unthrottled (ratio to direct ${u.throughputBytesPerSec.ratioToDirect.toFixed(2)})`);
      say(`  altered bytes ${u.alteredBytes} of ${sentAll.length}`);
    }
    say(`tap node flags: ${NODE_FLAGS.join(' ') || '(none)'}`);
    say(`tap process peak RSS: ${(rssLineSpeed / 1048576).toFixed(1)} MiB through the latency and 115200-baud phases, ${(rss / 1048576).toFixed(1)} MiB after the 4 MiB unthrottled blast   (target < 80 MiB)`);
  }
} finally {
  t.cleanup();
}

/**
 * bench/tap-web: does load on the status page change the tap's added latency?
 *
 *   npm run build && npx tsx bench/tap-web.ts [--json] [--chunks N] [--interval-ms MS] [--rate REQ_PER_S]
 *   npx tsx bench/tap-web.ts --build [--json]      # runs `npm run build` first
 *
 * One run, two rigs of socat pty pairs (POS side, printer side): in one the middle is the real
 * daemon (`node dist/cli.js run`, node flags from systemd/tillbox.service, journal and analytics
 * child with its fastify page), in the other a plain `socat` relay (the direct link). 32-byte
 * chunks go POS end → printer end, one per rig every --interval-ms (default 10 ms, a till printing
 * line by line), the two rigs interleaved so machine noise hits both alike. Phases:
 *   idle    the page idle                     → direct (a) and tap (b)
 *   load    autocannon drives /api/status and / at --rate req/s in total with the owner's
 *           session cookie, from a separate process so it does not share this event loop
 *                                             → direct (a') and tap (c)
 *   after   idle again (drift check)
 * "Added" is tap minus direct at the same percentile. The daemon's VmRSS (tap process and
 * analytics child) is sampled every 250 ms.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { withRss } from './proc-sample.js';
import type { WebSide } from './tap-web-load.js';
import { oneChunk, rigOf, type Rig } from './chunk-probe.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    chunks: { type: 'string', default: '1000' },
    'interval-ms': { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    'node-flags': { type: 'string' },
  },
});

await main();


/** `rounds` rounds at a fixed schedule (one every intervalMs), both rigs per round, order alternating. */
async function phase(direct: Rig, tap: Rig, chunk: Buffer, rounds: number, intervalMs: number): Promise<{ direct: number[]; tap: number[] }> {
  const out = { direct: [] as number[], tap: [] as number[] };
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    for (const r of i % 2 === 0 ? [direct, tap] : [tap, direct]) out[r.name].push(await oneChunk(r, chunk));
    const wait = t0 + (i + 1) * intervalMs - performance.now();
    await new Promise((res) => setTimeout(res, Math.max(0, wait)));
  }
  return out;
}

function stat(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}

async function main(): Promise<void> {
  const REPO = resolve(import.meta.dirname, '..');
  if (values.build) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  // Imported after the build check: tests/tap/daemon-process.ts names dist/cli.js.
  const { CLI, DaemonProcess, writeConfig } = await import('../tests/tap/daemon-process.js');
  if (!existsSync(CLI)) {
    process.stderr.write('dist/cli.js missing: run `npm run build` first (or pass --build)\n');
    process.exit(2);
  }
  const { closeEnd, collect, openEnd, PtyPair, SOCAT } = await import('../tests/support/socat.js');
  const { freePort, tempDir, waitFor } = await import('../tests/support/tmp.js');
  const { hashPassword } = await import('../src/web/auth/password.js');
  const say = (s: string): void => {
    if (!values.json) process.stdout.write(`${s}\n`);
  };
  // Production node flags: those of systemd/tillbox.service's ExecStart (as bench/tap does).
  const unitFlags = (/^ExecStart=\S+ ((?:--\S+ )*)/m.exec(readFileSync(join(REPO, 'systemd', 'tillbox.service'), 'utf8'))?.[1] ?? '').trim();
  const nodeFlags = (values['node-flags'] ?? unitFlags).split(' ').filter((f) => f !== '');
  const rounds = Number(values.chunks);
  const intervalMs = Number(values['interval-ms']);
  const rate = Number(values.rate);
  const password = 'bench-owner-pw';

  const t = tempDir('tbx-tapweb-');
  const cleanups: (() => Promise<unknown> | void)[] = [];
  try {
    say('starting direct socat link and tillbox daemon ...');
    const d1 = await PtyPair.create(join(t.dir, 'd-posT'), join(t.dir, 'd-posD'));
    const d2 = await PtyPair.create(join(t.dir, 'd-prnD'), join(t.dir, 'd-prnT'));
    const relay: ChildProcess = spawnRelay(SOCAT, d1.b, d2.a);
    cleanups.push(() => d1.kill(), () => d2.kill(), () => stopChild(relay));
    const p1 = await PtyPair.create(join(t.dir, 't-posT'), join(t.dir, 't-posD'));
    const p2 = await PtyPair.create(join(t.dir, 't-prnD'), join(t.dir, 't-prnT'));
    cleanups.push(() => p1.kill(), () => p2.kill());

    const port = await freePort();
    const cfg = writeConfig(t.dir, {
      pos: { path: p1.b, baudRate: 115200 },
      printer: { path: p2.a, baudRate: 115200 },
      web: { host: '127.0.0.1', port, adminPasswordHash: await hashPassword(password) },
      log: { level: 'warn' },
    });
    const daemon = new DaemonProcess([...nodeFlags, CLI, 'run', '--config', cfg]);
    cleanups.push(() => daemon.stop());
    const tapPid = daemon.proc.pid ?? 0;
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => {
      if (daemon.proc.exitCode !== null) throw new Error(`daemon exited (${daemon.proc.exitCode}): ${daemon.stderr}`);
      return (await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)) || undefined;
    }, 30_000, 100);
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    if (login.status >= 300 || cookie === '') throw new Error(`login failed: HTTP ${login.status}`);
    const probe = await fetch(`${base}/api/status`, { headers: { cookie } });
    if (probe.status !== 200) throw new Error(`/api/status with the session cookie: HTTP ${probe.status}`);
    await probe.arrayBuffer();

    const ends = [await openEnd(d1.a, 115200), await openEnd(d2.b, 115200), await openEnd(p1.a, 115200), await openEnd(p2.b, 115200)] as const;
    cleanups.push(...ends.map((e) => () => closeEnd(e)));
    const direct = rigOf('direct', ends[0], ends[1]);
    const tap = rigOf('tap', ends[2], ends[3]);
    const tapBytes = collect(ends[3]);
    const chunk = Buffer.from('\x1b!\x00 2x 光明酸奶 5.80  11.60\n'.padEnd(32, ' '), 'utf8').subarray(0, 32);
    await phase(direct, tap, chunk, 50, intervalMs); // warm-up (JIT, tty buffers), discarded

    say(`phase idle: ${rounds} chunks each, one per ${intervalMs} ms ...`);
    const idle = await withRss(tapPid, () => phase(direct, tap, chunk, rounds, intervalMs));

    say(`phase load: autocannon ${rate} req/s on /api/status and / ...`);
    const loader = fork(join(import.meta.dirname, 'tap-web-load.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    cleanups.push(() => stopChild(loader));
    const started = once<{ started: boolean }>(loader, 'started');
    loader.send({ base, cookie, rate });
    await started;
    await new Promise((r) => setTimeout(r, 1000)); // let the load settle
    const loadAvgDuring = loadavg()[0] ?? NaN;
    const loaded = await withRss(tapPid, () => phase(direct, tap, chunk, rounds, intervalMs));
    const webDone = once<{ web: WebSide[] }>(loader, 'web');
    loader.send('stop');
    const { web } = await webDone;

    say('phase after: idle again ...');
    await new Promise((r) => setTimeout(r, 1000));
    const after = await withRss(tapPid, () => phase(direct, tap, chunk, rounds, intervalMs));

    const sent = 50 + 3 * rounds;
    const got = tapBytes.bytes();
    const expect = Buffer.concat(Array.from({ length: sent }, () => chunk));
    let altered = Math.abs(got.length - expect.length);
    for (let i = 0; i < Math.min(got.length, expect.length); i++) if (got[i] !== expect[i]) altered++;

    const fig = (p: { direct: number[]; tap: number[] }) => {
      const a = stat(p.direct);
      const b = stat(p.tap);
      return { direct: a, tap: b, added: { p50: b.p50 - a.p50, p99: b.p99 - a.p99 } };
    };
    const fi = fig(idle.result);
    const fl = fig(loaded.result);
    const fa = fig(after.result);
    const r2 = (x: number) => Math.round(x * 1000) / 1000;
    const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r2(v)]));
    const phaseJson = (f: typeof fi) => ({ direct: round(f.direct), tap: round(f.tap), added: round(f.added) });
    const result = {
      bench: 'tap-web',
      node: process.version,
      nodeFlags,
      chunkBytes: chunk.length,
      chunksPerRigPerPhase: rounds,
      intervalMs,
      latencyMs: {
        idle: phaseJson(fi),
        load: { ...phaseJson(fl), addedVsIdleDirect: round({ p50: fl.tap.p50 - fi.direct.p50, p99: fl.tap.p99 - fi.direct.p99 }) },
        after: phaseJson(fa),
      },
      ratioLoadOverIdle: {
        tapP50: r2(fl.tap.p50 / fi.tap.p50),
        tapP99: r2(fl.tap.p99 / fi.tap.p99),
        addedP50: fi.added.p50 > 0 ? r2(fl.added.p50 / fi.added.p50) : null,
        addedP99: fi.added.p99 > 0 ? r2(fl.added.p99 / fi.added.p99) : null,
      },
      webDuringLoad: { offeredReqPerSec: rate, routes: web },
      rssPeakMiB: {
        idle: { tap: r2(idle.tapMiB), analyticsChild: r2(idle.childMiB) },
        load: { tap: r2(loaded.tapMiB), analyticsChild: r2(loaded.childMiB) },
        after: { tap: r2(after.tapMiB), analyticsChild: r2(after.childMiB) },
      },
      cpuShareOfOneCore: {
        idle: { tap: r2(idle.cpu.tap), analyticsChild: r2(idle.cpu.child) },
        load: { tap: r2(loaded.cpu.tap), analyticsChild: r2(loaded.cpu.child) },
        after: { tap: r2(after.cpu.tap), analyticsChild: r2(after.cpu.child) },
      },
      analyticsChildPids: [...new Set([...idle.childPids, ...loaded.childPids, ...after.childPids])],
      alteredBytes: altered,
      bytesChecked: expect.length,
      loadAverage1m: { duringLoadPhase: r2(loadAvgDuring), end: r2(loadavg()[0] ?? NaN) },
      cpus: cpus().length,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const f = (x: number) => x.toFixed(3).padStart(8);
    say(`\nlatency per ${chunk.length}-byte chunk, POS end → printer end, ms (${rounds} per rig per phase, interleaved)`);
    say('phase                   direct p50  p99   tap p50     p99     added p50   p99');
    for (const [name, x] of [['(b) idle', fi], ['(c) page under load', fl], ['idle again', fa]] as const) {
      say(`  ${name.padEnd(20)} ${f(x.direct.p50)} ${f(x.direct.p99)} ${f(x.tap.p50)} ${f(x.tap.p99)} ${f(x.added.p50)} ${f(x.added.p99)}`);
    }
    say(`  (c) added vs the idle phase's direct link: p50 ${r2(fl.tap.p50 - fi.direct.p50)} ms, p99 ${r2(fl.tap.p99 - fi.direct.p99)} ms`);
    const rl = result.ratioLoadOverIdle;
    say(`ratio c/b: tap p50 x${rl.tapP50}, tap p99 x${rl.tapP99}, added p50 x${rl.addedP50 ?? 'n/a'}, added p99 x${rl.addedP99 ?? 'n/a (idle added p99 ≤ 0)'}`);
    say(`\nweb side during (c), offered ${rate} req/s in total (autocannon, 4 connections per route, session cookie)`);
    for (const w of web) say(`  ${w.path.padEnd(12)} ${String(w.reqPerSec).padStart(5)} req/s  p50 ${w.p50Ms} ms  p99 ${w.p99Ms} ms  max ${w.maxMs} ms  (${w.total} requests, ${w.non2xx} non-2xx, ${w.errors} errors)`);
    say('\npeak VmRSS, MiB / CPU (share of one core)   tap process       analytics child');
    const pc = (x: number) => `${Math.round(x * 100)}%`.padStart(4);
    for (const [name, x] of [['idle', idle], ['under load', loaded], ['idle again', after]] as const) {
      say(`  ${name.padEnd(40)} ${x.tapMiB.toFixed(1).padStart(6)} / ${pc(x.cpu.tap)}   ${x.childMiB.toFixed(1).padStart(8)} / ${pc(x.cpu.child)}`);
    }
    say(`\naltered bytes through the tap: ${altered} of ${expect.length}`);
    say(`tap node flags: ${nodeFlags.join(' ') || '(none)'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (shared machine: tails are noisy)`);
  } finally {
    for (const c of cleanups.reverse()) await c();
    t.cleanup();
  }
}

/** The direct link: a plain socat relay between the two pty pairs. */
function spawnRelay(socat: string, a: string, b: string): ChildProcess {
  return spawn(socat, ['-b', '65536', `${a},raw,echo=0`, `${b},raw,echo=0`], { stdio: 'ignore' });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function once<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((res) => {
    const on = (m: Record<string, unknown>) => {
      if (typeof m === 'object' && m !== null && key in m) {
        child.off('message', on);
        res(m as T);
      }
    };
    child.on('message', on);
  });
}

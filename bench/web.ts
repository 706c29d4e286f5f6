/**
 * Status page and API under load: autocannon (programmatic) against a server in a child process,
 * so the load generator does not share the server's event loop.
 *
 *   npx tsx bench/web.ts [--json] [--duration SECONDS]
 *
 * For /healthz (baseline: the cheapest route of the same app), /api/status and /:
 * - latency at 200 req/s with autocannon. Its rate limit sends each connection's share of a
 *   second back-to-back at the top of the second (bursts), and its coordinated-omission
 *   correction assumes a 1 ms interval at these rates and invents samples, so it runs with
 *   `ignoreCoordinatedOmission` and reports the latency of those bursts (pessimistic);
 * - latency at 200 req/s evenly paced (open loop, one request every 5 ms on keep-alive
 *   sockets, latency measured from the scheduled send time, so queueing is not hidden);
 * - the most requests per second 10 autocannon connections get.
 * The server's RSS is sampled every 100 ms while it serves. WebDeps is the in-memory stand-in
 * from tests/web/support (the ledger-backed wiring lives in the daemon).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, duration: { type: 'string', default: '8' }, serve: { type: 'boolean', default: false } } });

if (values.serve) await serve();
else await main();

/** Child: the app on a free port, reporting its port and answering RSS questions over IPC. */
async function serve(): Promise<void> {
  const { createLogger } = await import('../src/log.js');
  const { buildApp } = await import('../src/web/app.js');
  const { hashPassword } = await import('../src/web/auth/password.js');
  const { fakeDeps, makeReceipt, receiptText } = await import('../tests/web/support/fake-deps.js');
  const deps = fakeDeps();
  for (let i = 0; i < 50; i++) {
    const r = makeReceipt({ member: i % 3 === 0 ? null : `88001${String(i).padStart(5, '0')}` });
    deps.addReceipt(r, receiptText(r));
  }
  const app = buildApp(deps, {
    logger: createLogger({ level: 'warn' }),
    auth: { passwordHash: await hashPassword('bench-owner-pw'), sessionHours: 1, attemptsPerMinute: 1000 },
    store: { name: 'bench', timezone: 'Asia/Shanghai', currency: 'CNY' },
  });
  // Time inside the server (routing, handler, serialisation), per route: less exposed to a
  // busy machine's scheduling than the client-side figures.
  const inside = new Map<string, number[]>();
  app.addHook('onResponse', async (request, reply) => {
    const key = request.routeOptions.url ?? '?';
    const list = inside.get(key) ?? [];
    list.push(reply.elapsedTime);
    inside.set(key, list);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  let peak = process.memoryUsage().rss;
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100).unref();
  process.on('message', (m: string) => {
    if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss, peak });
    if (m === 'reset-peak') peak = process.memoryUsage().rss;
    if (m === 'reset-inside') inside.clear();
    if (m === 'inside') {
      const out: Record<string, { p50Ms: number; p99Ms: number; n: number }> = {};
      for (const [route, list] of inside) {
        const sorted = list.sort((a, b) => a - b);
        const q = (f: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))] ?? 0) * 100) / 100;
        out[route] = { p50Ms: q(0.5), p99Ms: q(0.99), n: sorted.length };
      }
      process.send?.({ inside: out });
    }
    if (m === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
}

function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    if (message !== '') child.send(message);
  });
}

async function main(): Promise<void> {
  const duration = Number(values.duration);
  const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await ask<{ port: number }>(child, '', 'port');
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'bench-owner-pw' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (login.status !== 204) throw new Error(`login failed: ${login.status}`);
  const idle = await ask<{ rss: number }>(child, 'rss', 'rss');

  const shoot = async (path: string, rate: number | undefined) => {
    const r = await autocannon({ url: `${base}${path}`, connections: 10, duration, headers: { cookie }, ...(rate === undefined ? {} : { overallRate: rate, ignoreCoordinatedOmission: true }) });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max, total: r.requests.total };
  };

  child.send('reset-peak');
  const routes = ['/healthz', '/api/status', '/'] as const;
  const at200: Record<string, Awaited<ReturnType<typeof shoot>>> = {};
  const max: Record<string, Awaited<ReturnType<typeof shoot>>> = {};
  const paced200: Record<string, Awaited<ReturnType<typeof paced>>> = {};
  for (const path of routes) at200[path] = await shoot(path, 200);
  for (const path of routes) await paced(`${base}${path}`, 200, 1, cookie); // warm-up (JIT, sockets), discarded
  child.send('reset-inside');
  for (const path of routes) paced200[path] = await paced(`${base}${path}`, 200, duration, cookie);
  const { inside } = await ask<{ inside: Record<string, { p50Ms: number; p99Ms: number; n: number }> }>(child, 'inside', 'inside');
  for (const path of routes) max[path] = await shoot(path, undefined);
  const serving = await ask<{ rss: number; peak: number }>(child, 'rss', 'rss');
  child.send('stop');

  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  const base200 = at200['/healthz']!;
  const baseMax = max['/healthz']!;
  const result = {
    node: process.version,
    durationSeconds: duration,
    paced200: Object.fromEntries(routes.map((p) => [p, { ...paced200[p], p99VsHealthz: Math.round((paced200[p]!.p99Ms / Math.max(paced200['/healthz']!.p99Ms, 0.1)) * 100) / 100 }])),
    serverSideAtPaced200: inside,
    at200: Object.fromEntries(routes.map((p) => [p, { ...at200[p], p99VsHealthz: Math.round((at200[p]!.p99Ms / Math.max(base200.p99Ms, 1)) * 100) / 100 }])),
    max: Object.fromEntries(routes.map((p) => [p, { ...max[p], reqPerSecVsHealthz: Math.round((max[p]!.reqPerSec / baseMax.reqPerSec) * 100) / 100 }])),
    loadAverage: loadavg(),
    cpus: cpus().length,
    rssMiB: { idle: mb(idle.rss), afterLoad: mb(serving.rss), peakWhileServing: mb(serving.peak) },
    target: { route: '/api/status', p99MsAt200: 20, metPaced: paced200['/api/status']!.p99Ms <= 20, metAutocannon: at200['/api/status']!.p99Ms <= 20 },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  console.log(`web bench, ${duration} s per run, 10 connections, server in a child process (node ${process.version})`);
  console.log('\n200 req/s, evenly paced  p50 ms   p99 ms   max ms   p99 vs /healthz');
  for (const p of routes) {
    const r = result.paced200[p]!;
    console.log(`  ${p.padEnd(20)} ${String(r.p50Ms).padStart(7)}  ${String(r.p99Ms).padStart(7)}  ${String(r.maxMs).padStart(7)}   x${r.p99VsHealthz}`);
  }
  console.log('\ninside the server during the paced runs (fastify elapsedTime)   p50 ms   p99 ms');
  for (const p of routes) {
    const r = inside[p];
    if (r !== undefined) console.log(`  ${p.padEnd(60)} ${String(r.p50Ms).padStart(7)}  ${String(r.p99Ms).padStart(7)}`);
  }
  console.log('\n200 req/s, autocannon    p50 ms   p99 ms   max ms   p99 vs /healthz');
  for (const p of routes) {
    const r = result.at200[p]!;
    console.log(`  ${p.padEnd(20)} ${String(r.p50Ms).padStart(7)}  ${String(r.p99Ms).padStart(7)}  ${String(r.maxMs).padStart(7)}   x${r.p99VsHealthz}`);
  }
  console.log('\nflat out                 req/s    p99 ms   vs /healthz');
  for (const p of routes) {
    const r = result.max[p]!;
    console.log(`  ${p.padEnd(20)} ${String(r.reqPerSec).padStart(7)}  ${String(r.p99Ms).padStart(7)}   x${r.reqPerSecVsHealthz}`);
  }
  console.log(`\nload average while running: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (shared machine: client figures are noisy)`);
  console.log(`server RSS: idle ${result.rssMiB.idle} MiB, peak while serving ${result.rssMiB.peakWhileServing} MiB, after ${result.rssMiB.afterLoad} MiB`);
  console.log(`target /api/status p99 <= 20 ms at 200 req/s: evenly paced ${result.target.metPaced ? 'met' : 'NOT met'} (${paced200['/api/status']!.p99Ms} ms), autocannon bursts ${result.target.metAutocannon ? 'met' : 'NOT met'} (${at200['/api/status']!.p99Ms} ms)`);
}

/** Open-loop load: request i is due at t0 + i/rate; latency counts from when it was due. */
async function paced(url: string, rate: number, seconds: number, cookie: string): Promise<{ reqPerSec: number; p50Ms: number; p99Ms: number; maxMs: number; total: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const n = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now() + 20;
  await new Promise<void>((resolve) => {
    let done = 0;
    let next = 0;
    const finish = (due: number, ok: boolean) => {
      latencies.push(performance.now() - due);
      if (!ok) failed++;
      if (++done === n) resolve();
    };
    const fire = (due: number) => {
      get(url, { agent, headers: { cookie } }, (res) => {
        res.resume();
        res.on('end', () => finish(due, res.statusCode === 200));
      }).on('error', () => finish(due, false));
    };
    const tick = () => {
      const now = performance.now();
      while (next < n && t0 + next * interval <= now) fire(t0 + next++ * interval);
      if (next < n) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests`);
  const sorted = latencies.sort((a, b) => a - b);
  const pick = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  const elapsed = (performance.now() - t0) / 1000;
  return { reqPerSec: Math.round(n / elapsed), p50Ms: pick(0.5), p99Ms: pick(0.99), maxMs: pick(1), total: n };
}

/**
 * Drain rate of a basket backlog to a local mosquitto, and memory while draining.
 *   npx tsx bench/sync.ts [--json] [--count 100000] [--window 100]
 * Fills dataDir/outbox.db with --count generated baskets (one commit), then a separate plain-node
 * process (bench/sync-drain.ts, bundled) starts the real sync module against a private mosquitto
 * on a free port and times until every PUBACK is recorded, sampling its RSS.
 * Baseline in the same run: raw mqtt.js QoS 1 publishing of the same payloads from memory with
 * the same window, no SQLite (the ceiling the outbox is measured against).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { connect } from 'mqtt';
import { configFromObject } from '../src/config/load.js';
import { buildBasket } from '../src/sync/basket.js';
import { openSyncOutbox } from '../src/sync/outbox.js';
import { makeReceipt } from '../tests/sync/fixtures/receipts.js';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, count: { type: 'string' }, window: { type: 'string' }, corpus: { type: 'string' }, 'node-flags': { type: 'string' }, 'broker-inflight': { type: 'string' } } });
const COUNT = Number(values.count ?? 100_000);
const WINDOW = Number(values.window ?? 100);
// V8 flags for the drain process, e.g. --node-flags=--max-semi-space-size=2 (what a 512 MB box's unit would set).
const NODE_FLAGS = (values['node-flags'] ?? '').split(' ').filter((f) => f !== '');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tillbox-bench-sync-'));
const port = await freePort();
// max_inflight_messages becomes the MQTT 5 Receive Maximum the box must respect: 0 (no limit, the
// default here) lets the window of 100 apply; mosquitto's own default is 20 (a window of 16).
const BROKER_INFLIGHT = Number(values['broker-inflight'] ?? 0);
writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\nlog_dest none\nmax_inflight_messages ${BROKER_INFLIGHT}\n`);
const broker = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const url = `mqtt://127.0.0.1:${port}`;

const config = configFromObject({ store: { id: 'store-001' }, box: { id: 'box-01' }, dataDir: dir, mqtt: { url }, sync: { outboxMaxRows: 1_000_000 } });
const opts = { storeId: 'store-001', boxId: 'box-01', timeResolution: 'hour' as const, member: 'none' as const, pseudonymKeyVersion: 1 };
const payloads = Array.from({ length: COUNT }, (_, i) => JSON.stringify(buildBasket(makeReceipt(i), () => 'dairy', opts)));
const avgBytes = Math.round(payloads.reduce((s, p) => s + p.length, 0) / COUNT);

// Baseline: raw mqtt.js, payloads from memory, same window.
async function baseline(): Promise<number> {
  const client = connect(url, { clientId: 'bench-baseline', protocolVersion: 5 });
  await new Promise((r) => client.once('connect', r));
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    let done = 0;
    const pump = (): void => {
      while (next < COUNT && next - done < WINDOW) {
        client.publish('bench/baseline', payloads[next++] ?? '', { qos: 1 }, () => {
          done++;
          if (done === COUNT) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const secs = (performance.now() - t0) / 1000;
  await client.endAsync();
  return COUNT / secs;
}
const baselineRate = await baseline();

const outbox = openSyncOutbox(config);
const tFill = performance.now();
outbox.enqueueMany(payloads.map((p, i) => ({ id: `b${i}`, payload: p })));
const fillSecs = (performance.now() - tFill) / 1000;
outbox.close();

// The drain runs in a fresh plain-node process, as the box runs compiled JS, so its RSS is the
// box's and not this script's or tsx's. esbuild (already installed with tsx) bundles our sources.
const drainJs = join(import.meta.dirname, 'out', 'sync-drain.mjs');
await build({ entryPoints: [join(import.meta.dirname, 'sync-drain.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: drainJs, logLevel: 'error' });
const child = spawn(process.execPath, [...NODE_FLAGS, drainJs, dir, url, String(WINDOW)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d: Buffer) => {
  out += d.toString();
});
await new Promise((r) => child.once('exit', r));
const drained = JSON.parse(out) as { drainSecs: number; peakRss: number; startRss: number; peakHeap: number; peakExternal: number };
const drainSecs = drained.drainSecs;
const peakRss = drained.peakRss;
broker.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

const result = {
  baskets: COUNT,
  window: WINDOW,
  brokerInflight: BROKER_INFLIGHT,
  avgPayloadBytes: avgBytes,
  fillSeconds: Number(fillSecs.toFixed(2)),
  drainSeconds: Number(drainSecs.toFixed(2)),
  drainPerSecond: Math.round(COUNT / drainSecs),
  baselineRawMqttPerSecond: Math.round(baselineRate),
  ratioToBaseline: Number((COUNT / drainSecs / baselineRate).toFixed(2)),
  peakRssMB: Math.round(peakRss / 1048576),
  rssBeforeDrainMB: Math.round(drained.startRss / 1048576),
  peakHeapTotalMB: Math.round(drained.peakHeap / 1048576),
  peakExternalMB: Math.round(drained.peakExternal / 1048576),
  targets: { perSecond: 2000, rssMB: 120 },
};
if (values.json === true) console.log(JSON.stringify(result));
else {
  console.log(`drained ${COUNT} baskets (avg ${avgBytes} B) in ${result.drainSeconds} s: ${result.drainPerSecond}/s (target >= 2000/s)`);
  console.log(`raw mqtt.js baseline, same window, no SQLite: ${result.baselineRawMqttPerSecond}/s; outbox drain is ${result.ratioToBaseline}x of it`);
  console.log(`peak RSS while draining: ${result.peakRssMB} MB (target <= 120 MB); backlog fill (one commit): ${result.fillSeconds} s`);
}

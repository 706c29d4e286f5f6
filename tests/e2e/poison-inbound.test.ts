/**
 * Issue 17 items 3 and 4, against the product as installed: `tillbox run` from dist/ with a TCP
 * till, a simulated network printer, a private mosquitto as head office and the real analytics
 * child. A catastrophic regex pushed as a retained profile, a child whose event loop stops, and a
 * catalogue of 134 MB must each leave the box answering, the printer printing and nothing
 * redelivered for ever.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSimPrinter, type SimPrinter } from '../../src/demo/printer.js';
import { printJob, waitForListener } from '../../src/demo/till.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { HEARTBEAT_TIMEOUT_MS } from '../../src/daemon/supervisor.js';
import { MAX_CATALOGUE_BYTES, MAX_PROFILES_BYTES } from '../../src/sync/inbound.js';
import { unsafePatternReason } from '../../src/receipt/profile/safe-pattern.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess } from '../tap/daemon-process.js';
import { seededRandom as seeded } from '../../src/demo/random.js';

const run = toolAvailable(MOSQUITTO);
const STORE = 'store-poison';
const BOX = 'box-poison';
const BASE = `tillbox/${STORE}/${BOX}`;

interface Rig {
  broker: Mosquitto;
  printer: SimPrinter;
  daemon: DaemonProcess;
  admin: mqtt.MqttClient;
  replies: { ok: boolean; transaction: string | null; error?: { code: string; message: string }; result?: unknown }[];
  posPort: number;
  webPort: number;
  configFile: string;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(protocolVersion: 4 | 5): Promise<Rig> {
  const tmp = tempDir('tbx-poison-');
  cleanups.push(tmp.cleanup);
  const broker = await startMosquitto();
  cleanups.push(() => broker.close());
  const printer = await startSimPrinter();
  cleanups.push(() => printer.close());
  const posPort = await freePort();
  const webPort = await freePort();
  const configFile = join(tmp.dir, 'tillbox.yaml');
  writeFileSync(
    configFile,
    stringify({
      store: { id: STORE, timezone: 'Asia/Shanghai', currency: 'CNY' },
      box: { id: BOX },
      pos: { listen: `127.0.0.1:${posPort}` },
      printer: { host: '127.0.0.1', port: printer.port },
      decoder: { idleGapMs: 500 },
      dataDir: join(tmp.dir, 'data'),
      log: { level: 'info' },
      web: { host: '127.0.0.1', port: webPort },
      mqtt: { url: broker.url, protocolVersion },
    }),
  );
  const admin = mqtt.connect(broker.url, { protocolVersion: 5 });
  cleanups.push(() => admin.end(true));
  await new Promise<void>((resolve) => admin.once('connect', () => resolve()));
  await admin.subscribeAsync(`${BASE}/response/+`, { qos: 1 });
  const replies: Rig['replies'] = [];
  admin.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString('utf8')) as Rig['replies'][number]));
  const daemon = DaemonProcess.run(configFile);
  cleanups.push(() => daemon.stop());
  await waitForListener('127.0.0.1', posPort, 20_000);
  await waitForListener('127.0.0.1', webPort, 30_000);
  await daemon.waitLog((l) => l.msg === 'mqtt connected', 20_000);
  return { broker, printer, daemon, admin, replies, posPort, webPort, configFile };
}

function childExits(d: DaemonProcess): number {
  return d.count('analytics child exited; restarting it (forwarding is unaffected)');
}

/** One /healthz answer; 5 s is generous on a loaded machine, and a hung child never answers. */
async function healthz(webPort: number, timeoutMs = 5000): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${webPort}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  return res.status;
}

/** A freshly (re)started child: poll until the page answers. */
async function answersWithin(webPort: number, timeoutMs: number): Promise<number> {
  return waitFor(() => healthz(webPort).then((s) => (s < 600 ? s : undefined), () => undefined), timeoutMs, 200);
}

/** A receipt whose rule line is the pathological input for `^(-+)+X$`: 40 dashes and no X. */
function ruledReceipt(no: number): Buffer {
  return encodeReceiptText(['POISON MART', `No: R${no}`, '-'.repeat(40), 'MILK 1 5.80 5.80', '-'.repeat(40), 'TOTAL 5.80', 'CASH 10.00', 'CHANGE 4.20'], { encoding: 'gb18030' });
}

describe.runIf(run)('poison from head office (issue 17 items 3 and 4)', () => {
  it('rejects a retained catastrophic-regex profile on response/config, and the box keeps filing receipts', async () => {
    const r = await rig(5);
    const poison = { schema: 1, transaction: 'redos', profiles: ['name: redos\nmatch:\n  all: ["^(-+)+X$"]\n'] };
    await r.admin.publishAsync(`${BASE}/config/profiles`, JSON.stringify(poison), { qos: 1, retain: true });
    cleanups.push(() => r.admin.publishAsync(`${BASE}/config/profiles`, '', { qos: 1, retain: true }));
    const reply = await waitFor(() => r.replies.find((x) => x.transaction === 'redos'), 20_000);
    expect(reply.ok).toBe(false);
    expect(reply.error?.code).toBe('TBX_PROFILE_INVALID');
    expect(reply.error?.message).toMatch(/match\.all\[0\].*(nested|backtrack)/);

    const job = ruledReceipt(1);
    await printJob('127.0.0.1', r.posPort, job);
    await waitFor(() => r.printer.bytesPrinted() >= job.length || undefined, 10_000);
    // The page answers at once, throughout, while the document goes through the parser.
    for (let i = 0; i < 5; i++) {
      expect(await healthz(r.webPort)).toBeLessThan(600);
      await new Promise((res) => setTimeout(res, 300));
    }
    expect(childExits(r.daemon)).toBe(0);

    // A restart meets the retained poison again: rejected again, before any receipt meets it.
    await r.daemon.stop();
    const again = DaemonProcess.run(r.configFile);
    cleanups.push(() => again.stop());
    await waitForListener('127.0.0.1', r.webPort, 30_000);
    await waitFor(() => r.replies.filter((x) => x.transaction === 'redos').length >= 2 || undefined, 20_000);
    expect(r.replies.filter((x) => x.transaction === 'redos').every((x) => !x.ok)).toBe(true);
    await printJob('127.0.0.1', r.posPort, ruledReceipt(2));
    await new Promise((res) => setTimeout(res, 1500));
    expect(await answersWithin(r.webPort, 30_000)).toBeLessThan(600);
  }, 90_000);

  it('restarts an analytics child whose event loop stops answering, while the tap keeps printing', async () => {
    const r = await rig(5);
    const pid = (await r.daemon.waitMsg('analytics child started'))['pid'] as number;
    expect(pid).toBeGreaterThan(0);
    // Stopped after it said it is ready, so the ready timeout applies (not the start-up grace).
    expect((await r.daemon.waitMsg('analytics child ready', 30_000))['pid']).toBe(pid);
    // SIGSTOP: the child is alive but answers nothing, exactly like a child stuck in a regex.
    process.kill(pid, 'SIGSTOP');
    cleanups.push(() => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone: the supervisor killed it
      }
    });
    const job = ruledReceipt(3);
    await printJob('127.0.0.1', r.posPort, job);
    await waitFor(() => r.printer.bytesPrinted() >= job.length || undefined, 10_000);
    const restarted = await r.daemon.waitLog((l) => l.msg === 'analytics child started' && l['pid'] !== pid, HEARTBEAT_TIMEOUT_MS + 20_000);
    expect(restarted['pid']).not.toBe(pid);
    expect(r.daemon.logs.some((l) => l.msg === 'analytics child stopped answering its heartbeat; killing it')).toBe(true);
    expect(await answersWithin(r.webPort, 60_000)).toBeLessThan(600);
    // Printing went on throughout.
    await printJob('127.0.0.1', r.posPort, job);
    await waitFor(() => r.printer.bytesPrinted() >= 2 * job.length || undefined, 10_000);
  }, HEARTBEAT_TIMEOUT_MS + 90_000);

  it('acknowledges and refuses a 134 MB catalogue over MQTT 3.1.1: no crash, a clear reply, no redelivery', async () => {
    const r = await rig(4);
    const row = '{"sku":"6901234567890","category":"dairy"},';
    const rows = row.repeat(Math.ceil((134 * 1024 * 1024) / row.length));
    const huge = `{"schema":1,"transaction":"huge","rows":[${rows}{"sku":"1","category":"dairy"}]}`;
    expect(huge.length).toBeGreaterThan(MAX_CATALOGUE_BYTES);
    await r.admin.publishAsync(`${BASE}/config/catalogue`, huge, { qos: 1 });
    const reply = await waitFor(() => (childExits(r.daemon) > 0 ? Promise.reject(new Error('analytics child crashed')) : r.replies.find((x) => x.result !== undefined && JSON.stringify(x.result).includes('config/catalogue'))), 60_000, 50);
    expect(reply).toMatchObject({ ok: false, error: { code: 'TBX_MQTT_PAYLOAD_TOO_LARGE' } });
    expect(reply.error?.message).toContain(String(MAX_CATALOGUE_BYTES));
    await new Promise((res) => setTimeout(res, 1000));
    expect(childExits(r.daemon)).toBe(0);

    // Reconnect with the same persistent session: the message was acknowledged, so it is not redelivered.
    await r.daemon.stop();
    const n = r.replies.length;
    const again = DaemonProcess.run(r.configFile);
    cleanups.push(() => again.stop());
    await again.waitLog((l) => l.msg === 'mqtt connected', 30_000);
    await r.admin.publishAsync(`${BASE}/config/catalogue`, JSON.stringify({ schema: 1, transaction: 'small', rows: [{ sku: '6901234567890', category: 'dairy' }] }), { qos: 1 });
    const small = await waitFor(() => r.replies.find((x) => x.transaction === 'small'), 20_000);
    expect(small.ok).toBe(true);
    await new Promise((res) => setTimeout(res, 1000));
    expect(r.replies.slice(n).filter((x) => !x.ok)).toHaveLength(0);
    expect(childExits(again)).toBe(0);
    expect(await answersWithin(r.webPort, 30_000)).toBeLessThan(600);
  }, 150_000);

  it('over MQTT 5 states a maximum packet size, and refuses a catalogue over its own limit with a reply', async () => {
    const r = await rig(5);
    // Between the catalogue limit and the packet limit: delivered, acknowledged and refused with a reply.
    const pad = 'x'.repeat(MAX_CATALOGUE_BYTES + 1024);
    await r.admin.publishAsync(`${BASE}/config/catalogue`, JSON.stringify({ schema: 1, transaction: 'big', rows: [], pad }), { qos: 1 });
    const big = await waitFor(() => r.replies.find((x) => x.transaction === 'big' || (x.result !== undefined && JSON.stringify(x.result).includes('config/catalogue'))), 30_000);
    expect(big).toMatchObject({ ok: false, error: { code: 'TBX_MQTT_PAYLOAD_TOO_LARGE' } });
    // Over the packet limit: the broker never sends it (MQTT 5 3.1.2.11.4); the box stays up and takes the next one.
    const row = '{"sku":"6901234567890","category":"dairy"},';
    const huge = `{"schema":1,"transaction":"huge","rows":[${row.repeat(Math.ceil((134 * 1024 * 1024) / row.length))}{"sku":"1","category":"dairy"}]}`;
    await r.admin.publishAsync(`${BASE}/config/catalogue`, huge, { qos: 1 });
    await r.admin.publishAsync(`${BASE}/config/catalogue`, JSON.stringify({ schema: 1, transaction: 'after', rows: [{ sku: '6901234567890', category: 'dairy' }] }), { qos: 1 });
    const after = await waitFor(() => (childExits(r.daemon) > 0 ? Promise.reject(new Error('analytics child crashed')) : r.replies.find((x) => x.transaction === 'after')), 60_000, 50);
    expect(after.ok).toBe(true);
    // Never delivered, so never answered, and the connection was not dropped over it.
    expect(r.replies.find((x) => x.transaction === 'huge')).toBeUndefined();
    expect(r.daemon.count('mqtt connected')).toBe(1);
    expect(childExits(r.daemon)).toBe(0);
  }, 150_000);

  it('property: random poison retained config is refused with a reply each time and never crash-loops the child', async () => {
    const r = await rig(5);
    const rand = seeded(17);
    const poisons = poisonPayloads(rand);
    for (const [i, p] of poisons.entries()) {
      const before = r.replies.length;
      await r.admin.publishAsync(`${BASE}/config/${p.topic}`, p.payload, { qos: 1, retain: true });
      const reply = await waitFor(() => (childExits(r.daemon) > 0 ? Promise.reject(new Error(`child crashed on poison ${i} (${p.what})`)) : r.replies[before]), 30_000, 20);
      expect(reply.ok, `${i} ${p.what}`).toBe(false);
      if (p.what.includes('unsafe') || p.what.includes('redos')) expect(reply.error?.message, p.what).toMatch(/backtrack/);
      await printJob('127.0.0.1', r.posPort, ruledReceipt(100 + i));
      expect(await healthz(r.webPort)).toBeLessThan(600);
    }
    cleanups.push(async () => {
      await r.admin.publishAsync(`${BASE}/config/profiles`, '', { qos: 1, retain: true });
      await r.admin.publishAsync(`${BASE}/config/catalogue`, '', { qos: 1, retain: true });
    });
    // A restart meets the last retained poison on both topics again: refused again, no crash.
    await r.daemon.stop();
    const n = r.replies.length;
    const again = DaemonProcess.run(r.configFile);
    cleanups.push(() => again.stop());
    await waitFor(() => r.replies.length >= n + 2 || undefined, 30_000);
    expect(r.replies.slice(n).every((x) => !x.ok)).toBe(true);
    await printJob('127.0.0.1', r.posPort, ruledReceipt(999));
    await new Promise((res) => setTimeout(res, 2000));
    expect(await answersWithin(r.webPort, 30_000)).toBeLessThan(600);
    expect(childExits(again)).toBe(0);
    expect(childExits(r.daemon)).toBe(0);
  }, 240_000);
});


/** Poison of every kind: catastrophic patterns (fixed and random), resource bombs, garbage, over-size. */
function poisonPayloads(rand: () => number): { topic: 'profiles' | 'catalogue'; what: string; payload: string | Buffer }[] {
  const atoms = ['a', '-', '\\d', '\\w', '\\s', '.', '[ab]'];
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const unsafe: string[] = [];
  while (unsafe.length < 3) {
    const p = `^(${pick(atoms)}${pick(['+', '*'])}${pick(['', pick(atoms) + '?'])})${pick(['+', '*', '{2,}'])}X$`;
    if (unsafePatternReason(p) !== null && !unsafe.includes(p)) unsafe.push(p);
  }
  const profile = (name: string, pattern: string) => JSON.stringify({ schema: 1, profiles: [`name: ${name}\nmatch:\n  all: ['${pattern}']\n`] });
  const bomb = ['name: bomb', 'match:', '  all: [x]', 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(', ')}]`)].join('\n');
  const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256)));
  return [
    ...unsafe.map((p, i) => ({ topic: 'profiles' as const, what: `random unsafe ${p}`, payload: profile(`random-${i}`, p) })),
    { topic: 'profiles', what: 'redos in items', payload: JSON.stringify({ schema: 1, profiles: ["name: rows\nmatch:\n  any: [SHOP]\nitems:\n  rows: [['^(?<name>(\\w+\\s?)+)(?<amount>\\d+)$']]\n"] }) },
    { topic: 'profiles', what: 'YAML alias bomb', payload: JSON.stringify({ schema: 1, profiles: [bomb] }) },
    { topic: 'profiles', what: 'random bytes', payload: bytes },
    { topic: 'catalogue', what: 'deep nesting', payload: '{"schema":1,"rows":' + '['.repeat(500_000) },
    { topic: 'profiles', what: 'over MAX_PROFILES_BYTES', payload: JSON.stringify({ schema: 1, profiles: ['name: big\n#' + 'x'.repeat(MAX_PROFILES_BYTES)] }) },
    { topic: 'catalogue', what: 'too many rows', payload: JSON.stringify({ schema: 1, rows: Array.from({ length: 200_001 }, () => ({ sku: '1', category: 'dairy' })) }) },
    { topic: 'catalogue', what: 'not an object', payload: '[1,2,3]' },
  ];
}

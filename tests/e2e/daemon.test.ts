/**
 * The whole product as installed: `tillbox run` (the real CLI from dist/) with the POS printing to
 * it over TCP, a simulated network printer behind it, a private mosquitto as head office, and the
 * status page over real HTTP. One receipt in at the till must come out everywhere it should, once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSimPrinter, type SimPrinter } from '../../src/demo/printer.js';
import { DEMO_MEMBERS, demoReceipts } from '../../src/demo/receipts.js';
import { printJob, waitForListener } from '../../src/demo/till.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { toolAvailable } from '../support/corpus.js';
import { CLI, DaemonProcess } from '../tap/daemon-process.js';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';

const run = toolAvailable(MOSQUITTO) && corpusAvailable('escpos');
const PASSWORD = 'owner-password-1';

describe.runIf(run)('tillbox run end to end (TCP till, simulated printer, mosquitto, HTTP)', () => {
  const tmp = tempDir();
  let broker: Mosquitto;
  let printer: SimPrinter;
  let daemon: DaemonProcess;
  let sub: mqtt.MqttClient;
  const baskets: Record<string, unknown>[] = [];
  const rawPayloads: string[] = [];
  let posPort = 0;
  let webPort = 0;
  const sale = [...takeReceipts(12)].filter((r) => r.kind === 'sale' && r.member !== null).slice(0, 3);

  beforeAll(async () => {
    broker = await startMosquitto();
    printer = await startSimPrinter();
    posPort = await freePort();
    webPort = await freePort();
    const config = {
      store: { id: 'store-e2e', timezone: 'Asia/Shanghai', currency: 'CNY' },
      box: { id: 'box-e2e' },
      pos: { listen: `127.0.0.1:${posPort}` },
      printer: { host: '127.0.0.1', port: printer.port },
      decoder: { idleGapMs: 1000 },
      dataDir: join(tmp.dir, 'data'),
      web: { host: '127.0.0.1', port: webPort, adminPasswordHash: await hashPassword(PASSWORD) },
      mqtt: { url: broker.url },
    };
    const file = join(tmp.dir, 'tillbox.yaml');
    writeFileSync(file, stringify(config));
    sub = mqtt.connect(broker.url, { protocolVersion: 5 });
    await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
    await sub.subscribeAsync('tillbox/#', { qos: 1 });
    sub.on('message', (topic, payload) => {
      rawPayloads.push(payload.toString('utf8'));
      if (topic.endsWith('/basket')) baskets.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
    });
    daemon = DaemonProcess.run(file);
    await waitForListener('127.0.0.1', posPort, 20_000);
    await waitForListener('127.0.0.1', webPort, 30_000);
  });

  afterAll(async () => {
    await daemon?.stop();
    sub?.end(true);
    await printer?.close();
    await broker?.close();
    tmp.cleanup();
  });

  it('passes the GBK capture and demo receipts to the printer and files each as one basket', async () => {
    const gbk = readFileSync(corpusFile('escpos', 'snaildev_gbk_restaurant_receipt.bin'));
    const jobs = [gbk, ...sale.map((r) => encodeReceiptText(r.lines, { encoding: 'gb18030' }))];
    for (const job of jobs) await printJob('127.0.0.1', posPort, job);
    const sent = jobs.reduce((n, j) => n + j.length, 0);
    await waitFor(() => printer.bytesPrinted() >= sent || undefined, 10_000);
    expect(printer.bytesPrinted()).toBe(sent);

    await waitFor(() => baskets.length >= jobs.length || undefined, 30_000);
    // Exactly once each: ids are unique and the count is the number of receipts printed.
    await new Promise((r) => setTimeout(r, 1000));
    expect(baskets).toHaveLength(jobs.length);
    expect(new Set(baskets.map((b) => b['id'])).size).toBe(jobs.length);
    // The restaurant bill from the corpus: items and total in fen (basket v2: totalMinor, amountMinor).
    const bill = baskets.find((b) => b['totalMinor'] === 6800) as { items: { name: string; qty: number; amountMinor: number }[] } | undefined;
    expect(bill?.items.map((i) => [i.name, i.qty, i.amountMinor])).toEqual([['健怡雪碧', 4, 4000], ['鲟龙鱼', 1.5, 2800]]);
    for (const r of sale) expect(baskets.some((b) => b['schema'] === 2 && b['totalMinor'] === r.total)).toBe(true);
  });

  it('sends no member id or phone number to head office', () => {
    for (const payload of rawPayloads) for (const m of DEMO_MEMBERS) expect(payload).not.toContain(m);
    const statusMsgs = rawPayloads.filter((p) => p.includes('"online"') || p.includes('online'));
    expect(statusMsgs.length).toBeGreaterThan(0);
  });

  it('shows the receipts on the status page to the owner only, with member ids masked', async () => {
    const base = `http://127.0.0.1:${webPort}`;
    expect((await fetch(`${base}/api/receipts`)).status).toBe(401);
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    expect(login.status).toBe(204);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const body = (await (await fetch(`${base}/api/receipts`, { headers: { cookie } })).json()) as { receipts: { receiptNo: string | null; member: string | null; totalMinor: number | null }[] };
    const numbers = body.receipts.map((r) => r.receiptNo);
    for (const r of sale) expect(numbers).toContain(r.receiptNo);
    const text = JSON.stringify(body);
    for (const m of DEMO_MEMBERS) expect(text).not.toContain(m);
    expect(body.receipts.some((r) => r.totalMinor === 6800)).toBe(true);
    const status = (await (await fetch(`${base}/api/status`, { headers: { cookie } })).json()) as { links: { pos: { state: string }; printer: { state: string } }; broker: { state: string } };
    expect(status.broker.state).toBe('connected');
  });
});

describe.runIf(run)('tillbox reparse', () => {
  it('rebuilds the same ledger from the journal and queues no basket twice', async () => {
    const tmp = tempDir();
    try {
      const printer = await startSimPrinter();
      const posPort = await freePort();
      const dataDir = join(tmp.dir, 'data');
      const file = join(tmp.dir, 'tillbox.yaml');
      writeFileSync(file, stringify({ pos: { listen: `127.0.0.1:${posPort}` }, printer: { host: '127.0.0.1', port: printer.port }, dataDir, web: { host: '127.0.0.1', port: await freePort() } }));
      const daemon = DaemonProcess.run(file);
      await waitForListener('127.0.0.1', posPort, 20_000);
      const receipts = [...takeReceipts(14)];
      for (const r of receipts) await printJob('127.0.0.1', posPort, encodeReceiptText(r.lines, { encoding: 'gb18030' }));
      const counted = receipts.filter((r) => r.kind !== 'reprint');
      const ledgerFile = join(dataDir, 'ledger.db');
      const snapshot = () => {
        const db = new Database(ledgerFile, { readonly: true });
        try {
          return db.prepare('SELECT id, kind, total, counted FROM receipts ORDER BY id').all();
        } finally {
          db.close();
        }
      };
      await waitFor(() => {
        try {
          return snapshot().length >= counted.length || undefined;
        } catch {
          return undefined;
        }
      }, 30_000);
      await daemon.stop();
      await printer.close();
      const before = snapshot();
      expect(before).toHaveLength(counted.length);

      const out = execFileSync(process.execPath, [CLI, 'reparse', '--config', file], { encoding: 'utf8' });
      expect(out).toMatch(new RegExp(`reparsed ${receipts.length} receipts .*: ${counted.length} filed, ${receipts.length - counted.length} reprints or repeats skipped`));
      // Without a broker nothing was acknowledged: the baskets wait in the outbox once each.
      expect(out).toMatch(/baskets queued 0, already known \d+/);
      expect(snapshot()).toEqual(before);
    } finally {
      tmp.cleanup();
    }
  });
});

function* takeReceipts(n: number) {
  const clock = new Date(Date.UTC(2026, 10, 20, 9, 0, 0)).getTime();
  let k = 0;
  const g = demoReceipts(7, () => new Date(clock + k++ * 600_000));
  for (let i = 0; i < n; i++) {
    const r = g.next().value;
    if (r !== undefined) yield r;
  }
}

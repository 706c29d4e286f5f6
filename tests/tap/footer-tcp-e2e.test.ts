import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, writeConfig } from './daemon-process.js';
import { demoDay, insertionsOf } from './footer-diff.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A network printer on loopback: one recorded job per connection, closed when the box closes it. */
async function printer(port: number): Promise<{ jobs: { bytes: Buffer[]; closed: boolean }[]; server: Server }> {
  const jobs: { bytes: Buffer[]; closed: boolean }[] = [];
  const server = createServer((s) => {
    const job = { bytes: [] as Buffer[], closed: false };
    jobs.push(job);
    s.on('data', (d: Buffer) => job.bytes.push(d));
    s.on('end', () => {
      job.closed = true;
      s.end();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  return { jobs, server };
}

/** One print job the way a port-9100 POS sends it: connect, write, end. */
async function printJob(port: number, bytes: Buffer): Promise<void> {
  const sock: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((res, rej) => sock.once('connect', () => res()).once('error', rej));
  sock.on('error', () => {});
  await new Promise<void>((res) => sock.end(bytes, () => res()));
}

describe('at-till footers over TCP (port 9100)', () => {
  it('each job reaches the printer unchanged but for whole blocks before sale cuts, even when the POS closes right after the cut', async () => {
    const t = tempDir('tbx-footer-tcp-');
    cleanups.push(t.cleanup);
    const listen = await freePort();
    const prn = await printer(await freePort());
    cleanups.push(() => new Promise<void>((res) => prn.server.close(() => res())));
    const addr = prn.server.address() as { port: number };
    const config = writeConfig(t.dir, {
      pos: { listen: `127.0.0.1:${listen}` }, printer: { host: '127.0.0.1', port: addr.port },
      footer: { enabled: true, maxHoldMs: 1000, qr: { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' } },
    });
    const daemon = DaemonProcess.run(config);
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    await daemon.waitMsg('analytics started', 20_000);

    const corpus = corpusAvailable('escpos') ? readdirSync(corpusFile('escpos')).filter((f) => f.endsWith('.bin')).sort().map((f) => readFileSync(corpusFile('escpos', f))) : [];
    const day = demoDay(30);
    const jobs = [...corpus, ...day.map((d) => encodeReceiptText(d.lines))];
    for (const [k, job] of jobs.entries()) {
      await printJob(listen, job);
      await waitFor(() => prn.jobs[k]?.closed === true, 10_000);
    }
    let blocks = 0;
    jobs.forEach((job, k) => {
      const got = Buffer.concat(prn.jobs[k]!.bytes);
      const ins = insertionsOf(job, got);
      const d = day[k - corpus.length];
      if (d !== undefined && d.kind !== 'sale') expect(ins, `${d.kind} job ${k} byte-identical`).toHaveLength(0);
      if (d !== undefined && d.kind === 'sale') blocks += ins.length;
    });
    expect(blocks).toBeGreaterThan(day.filter((d) => d.kind === 'sale').length * 0.9);
  }, 90_000);
});

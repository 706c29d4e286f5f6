/**
 * `tillbox headoffice --web PORT` as an operator runs it: a real child process against a real
 * mosquitto and PostgreSQL; a basket published by a "box" opens at its QR URL. Also the option's
 * help line and its usage errors.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillbox } from '../support/cli.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { collect } from '../sync/fixtures/collector.js';
import { basketOf, QR_KEY, receipt, STORE, tokenOf } from './fixtures/rig.js';
import { pgAvailable, scratchDatabase } from '../support/pg.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');

describe('tillbox headoffice --web: help and usage', () => {
  it('--help lists the shopper-page options', async () => {
    const r = await tillbox(['headoffice', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--web', '--web-host', '--qr-key-file', '--trust-proxy']) expect(r.out).toContain(o);
  });

  it('--web without the QR key, or with a bad port, is a usage error naming what is missing', async () => {
    const base = ['headoffice', '--mqtt', 'mqtt://127.0.0.1:1', '--db', 'postgres://postgres@127.0.0.1/x'];
    const noKey = await tillbox([...base, '--web', '8081'], { env: {} });
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('TILLBOX_HEADOFFICE_QR_KEY');
    const badPort = await tillbox([...base, '--web', 'eighty'], { env: { TILLBOX_HEADOFFICE_QR_KEY: QR_KEY } });
    expect(badPort.code).toBe(2);
    expect(badPort.err).toContain('--web: expected a TCP port number');
    const shortKey = await tillbox([...base, '--web', '8081'], { env: { TILLBOX_HEADOFFICE_QR_KEY: 'short' } });
    expect(shortKey.code).toBe(2);
  });
});

const enabled = toolAvailable(MOSQUITTO) && (await pgAvailable());

describe.skipIf(!enabled)('tillbox headoffice --web PORT (child process)', () => {
  let broker: Mosquitto;
  const tmp = tempDir('tillbox-ho-cli-');
  const scratch = scratchDatabase('tillbox_ho_cli');
  const dbUrl = new URL(scratch.url);

  beforeAll(async () => {
    broker = await startMosquitto();
    await scratch.create();
  });
  afterAll(async () => {
    await broker?.close();
    await scratch.drop();
    tmp.cleanup();
  });

  it('stores baskets with their token and serves the e-receipt at /r/{store}/{token}', async () => {
    const keyFile = join(tmp.dir, 'qr.key');
    writeFileSync(keyFile, `${QR_KEY}\n`, { mode: 0o600 });
    const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'headoffice', '--mqtt', broker.url, '--db', dbUrl.href, '--name', 'cli', '--stats-every', '0', '--web', '0', '--qr-key-file', keyFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TILLBOX_HEADOFFICE_QR_KEY: '' } });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    try {
      const address = await waitFor(() => /shopper page on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 30_000);
      const box = await collect(broker.url, ['tillbox/+/+/config/consent']);
      const b = basketOf(receipt('8800111222', '2026-11-24T10:00:00+08:00', [{ name: '光明酸奶 200g', amount: 580 }]));
      await box.client.publishAsync(`tillbox/${STORE}/${b.box}/basket`, JSON.stringify(b), { qos: 1 });
      await box.close();
      const res = await waitFor(async () => {
        const r = await fetch(`${address}/r/${STORE}/${tokenOf(b)}?lang=en`);
        return r.status === 200 ? r : undefined;
      }, 15_000, 100);
      const text = await res.text();
      expect(text).toContain('光明酸奶 200g');
      expect(text).toContain('¥5.80');
      expect(out).not.toContain(QR_KEY);
    } finally {
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

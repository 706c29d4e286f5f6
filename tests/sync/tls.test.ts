import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBroker } from '../../src/sync/connection.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { createSync } from '../../src/sync/sync.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { quietLogger, testConfig } from './fixtures/config.js';
import { makeReceipt } from './fixtures/receipts.js';

const OPENSSL = '/usr/bin/openssl';

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const f = (name: string): string => join(dir, name);
  const ssl = (...args: string[]): void => void execFileSync(OPENSSL, args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=tillbox test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'store-001-box-01'}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`));
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f(`${who}.pem`), ...(who === 'server' ? ['-extfile', f('server.ext')] : []));
  }
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

describe.skipIf(!(toolAvailable(MOSQUITTO) && toolAvailable(OPENSSL)))('TLS with a client certificate', () => {
  let broker: Mosquitto;
  let pki: ReturnType<typeof makePki>;
  let pkiDir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    pkiDir = tempDir('tillbox-pki-');
    pki = makePki(pkiDir.dir);
    broker = await startMosquitto([`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, 'require_certificate true']);
  });
  afterAll(async () => {
    await broker?.close();
    pkiDir?.cleanup();
  });

  it('connects and publishes with CA, certificate and key; refuses without the client certificate', async () => {
    const url = `mqtts://127.0.0.1:${broker.port}`;
    const { dir, cleanup } = tempDir('tillbox-tls-');
    const config = testConfig(dir, url, {}, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    try {
      const ok = await checkBroker(config);
      expect(ok).toMatchObject({ ok: true });
      const noCert = await checkBroker(testConfig(dir, url, {}, { ca: pki.ca }), { timeoutMs: 5000 });
      expect(noCert.ok).toBe(false);
      const noCa = await checkBroker(testConfig(dir, url, {}, { cert: pki.clientCert, key: pki.clientKey }), { timeoutMs: 5000 });
      expect(noCa.ok).toBe(false);
      if (!noCa.ok) expect(noCa.error).toMatch(/certificate/i);

      const outbox = openSyncOutbox(config);
      const sync = createSync({ config, logger: quietLogger(), outbox });
      sync.enqueueReceipts([1, 2, 3].map(makeReceipt));
      await sync.start();
      await waitFor(() => sync.stats().backlog === 0, 20_000);
      expect(sync.stats().connects).toBe(1);
      await sync.stop();
      outbox.close();
    } finally {
      cleanup();
    }
  });
});

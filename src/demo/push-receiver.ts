/**
 * The demo's stand-in for a browser's push service: an HTTPS endpoint on loopback (push services
 * are HTTPS only; the certificate is made with openssl when it is installed) that takes Web Push
 * messages and, since the demo also plays the browser and holds the subscription's private key,
 * decrypts them (RFC 8291 aes128gcm, RFC 8188 record) so a person can read what was sent.
 */
import { createDecipheriv, createECDH, createHmac, randomBytes, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

const hmac = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** Decrypts one aes128gcm Web Push body with the user agent's key pair and auth secret. */
export function decryptPush(body: Buffer, ua: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20] ?? 0;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ikm = hmac(hmac(authSecret, ua.computeSecret(asPublic)), Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic, Buffer.from([1]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])).subarray(0, 12);
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('web push: bad padding delimiter (RFC 8188 §2)');
  return plain.subarray(0, end).toString('utf8');
}

/** A CA and a server certificate for 127.0.0.1 (openssl); kept in `dir` and reused. */
export function loopbackCertificate(dir: string): { caFile: string; key: string; cert: string } {
  mkdirSync(dir, { recursive: true });
  const f = (name: string): string => join(dir, name);
  if (!existsSync(f('server.pem'))) {
    const ssl = (...args: string[]): void => void execFileSync(OPENSSL, args, { stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=tillbox demo CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
    writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr'));
    ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '3650', '-out', f('server.pem'), '-extfile', f('server.ext'));
  }
  return { caFile: f('ca.pem'), key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') };
}

export interface DemoPush {
  /** The subscription a browser would hand the shopper page. */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** CA of the endpoint's certificate: the daemon trusts it through NODE_EXTRA_CA_CERTS. */
  caFile: string;
  received: { at: string; text: string }[];
  close(): Promise<void>;
}

export async function startPushReceiver(dir: string, onMessage?: (text: string) => void): Promise<DemoPush> {
  const { caFile, key, cert } = loopbackCertificate(dir);
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  const auth = randomBytes(16);
  const received: DemoPush['received'] = [];
  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const text = decryptPush(Buffer.concat(chunks), ua, auth);
        received.push({ at: new Date().toISOString(), text });
        onMessage?.(text);
        res.writeHead(201).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    subscription: { endpoint: `https://127.0.0.1:${port}/push/demo-browser`, keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
    caFile,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Shared parts of the notification tests: a ledger with members who bought things, a throw-away
 * certificate (openssl) for the SMTP and push servers, and an RFC 8291 decryption written from
 * the RFC with node:crypto (independent of web-push's own encryption code).
 */
import { createDecipheriv, createHmac, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ledger } from '../../src/ledger/types.js';
import { item, receipt } from '../ledger/helpers.js';

export const OPENSSL = '/usr/bin/openssl';

/** A CA and a server certificate for 127.0.0.1 signed by it. */
export function makeServerCert(dir: string): { ca: string; key: string; cert: string } {
  const f = (name: string): string => join(dir, name);
  const ssl = (...args: string[]): void => void execFileSync(OPENSSL, args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=tillbox notify test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr'));
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('server.pem'), '-extfile', f('server.ext'));
  return { ca: readFileSync(f('ca.pem'), 'utf8'), key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8') };
}

/** Members A (monthly + expiry), B, C: each bought yoghurt (7 days) and bread (expires Nov 23) on Nov 20. */
export function shoppers(ledger: Ledger, members: readonly string[]): void {
  members.forEach((m, i) => {
    ledger.ingest(receipt({ member: m, time: `2026-11-20T1${i}:00:00+08:00`, items: [item('光明酸奶', 1160, 2), item('全麦面包', 890)] }), { journalFrom: i, journalTo: i + 1 });
  });
}

const hmac = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** RFC 8291 §3.4 + RFC 8188 §2: one aes128gcm record, decrypted with the user agent's keys. */
export function decryptPush(body: Buffer, ua: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20] ?? 0;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ecdhSecret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]);
  const ikm = hmac(hmac(authSecret, ecdhSecret), keyInfo, Buffer.from([1]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])).subarray(0, 12);
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()]);
  // Padding: the last record ends with 0x02 followed by zeros (RFC 8188 §2).
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('bad padding delimiter');
  return plain.subarray(0, end).toString('utf8');
}


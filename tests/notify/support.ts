/**
 * Shared parts of the notification tests: a ledger with members who bought things, a throw-away
 * certificate (openssl) for the SMTP and push servers, and the RFC 8291 decryption.
 */
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

/** RFC 8291 decryption: src/demo/push-receiver.ts (written from the RFC with node:crypto, not web-push's code). */
export { decryptPush } from '../../src/demo/push-receiver.js';


/**
 * The box's VAPID key pair (RFC 8292) for Web Push: made on first start and kept in
 * dataDir/vapid.json with mode 0600 (the private key signs every push). The public key is no
 * secret: the sync module publishes it retained on `webpush` so head office's shopper page can
 * subscribe browsers with it (applicationServerKey).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { TillboxError } from '../errors.js';

export const VAPID_FILE = 'vapid.json';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, VAPID_FILE);
  if (existsSync(file)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new TillboxError('TBX_CONFIG_INVALID', `${file}: not valid JSON; move it away and a new key pair is made (browsers subscribed with the old key must subscribe again)`, { cause: err });
    }
    const k = doc as Partial<VapidKeys>;
    if (typeof k.publicKey !== 'string' || typeof k.privateKey !== 'string') {
      throw new TillboxError('TBX_CONFIG_INVALID', `${file}: publicKey and privateKey: expected base64url strings`);
    }
    // Tighten a file someone copied in with looser rights.
    chmodSync(file, 0o600);
    return { publicKey: k.publicKey, privateKey: k.privateKey };
  }
  const keys = webpush.generateVAPIDKeys();
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey, createdAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return keys;
}

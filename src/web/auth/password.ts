/**
 * Owner password hashes: scrypt from node:crypto, stored as one line of text
 *
 *     scrypt$<N>$<r>$<p>$<salt, base64>$<key, base64>
 *
 * e.g. `scrypt$16384$8$1$q1w…==$Zm9…=` (N = CPU/memory cost, r = block size, p = parallelism;
 * 16 random salt bytes, 32-byte derived key). N=16384, r=8 needs 16 MiB for ~50-100 ms on a
 * Raspberry Pi class CPU. The parameters travel with the hash, so they can be raised later
 * without invalidating existing hashes. Hashing runs on libuv's thread pool (async scrypt),
 * never on the event loop the tap shares.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Owner passwords shorter than this are refused (page setup and `tillbox passwd`). */
export const MIN_PASSWORD_LENGTH = 8;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: maxmemFor(params) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** null when the text is not a hash in the format above. */
export function parseHash(text: string): ParsedHash | null {
  const parts = text.trim().split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || (N & (N - 1)) !== 0 || N < 2) return null;
  if (N > 2 ** 20 || r > 32 || p > 16) return null; // refuse parameters that would eat the box's memory
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

export function isPasswordHash(text: string): boolean {
  return parseHash(text) !== null;
}

/** Constant-time comparison of the derived key; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (parsed === null) return false;
  const { N, r, p, salt, key } = parsed;
  const candidate = await scrypt(password, salt, key.length, { N, r, p, maxmem: maxmemFor({ N, r, p }) });
  return timingSafeEqual(candidate, key);
}

function maxmemFor(params: { N: number; r: number; p: number }): number {
  // scrypt needs about 128 * N * r * p bytes; leave headroom over node's 32 MiB default check.
  return 256 * params.N * params.r * params.p + 1024 * 1024;
}

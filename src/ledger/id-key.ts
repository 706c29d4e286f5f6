import { createHash } from 'node:crypto';

const HEX13 = /^[0-9a-f]{13}/;

/**
 * The integer the ledger indexes a receipt id by: its first 52 bits (ids are SHA-256 hex, see
 * receipt/id.ts), or the first 52 bits of a hash of it for any other id. 52 bits stay exact in a
 * JS number; two ids sharing them are told apart by comparing the full id on the rows found.
 */
export function idKey(id: string): number {
  const hex = HEX13.test(id) ? id : createHash('sha256').update(id, 'utf8').digest('hex');
  return parseInt(hex.slice(0, 13), 16);
}

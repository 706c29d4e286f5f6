import { readFileSync } from 'node:fs';
import { JOURNAL_SCHEMA_VERSION } from '../journal/schema.js';
import { LEDGER_SCHEMA_VERSION } from '../ledger/migrations.js';
import { OUTBOX_SCHEMA_VERSION } from '../sync/outbox-migrations.js';

/** The package version, from the package.json shipped next to dist/ (source and install alike). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The database schema versions this build writes (and the highest it can open). */
export const SCHEMA_VERSIONS = { journal: JOURNAL_SCHEMA_VERSION, ledger: LEDGER_SCHEMA_VERSION, outbox: OUTBOX_SCHEMA_VERSION } as const;

/** `tillbox --version`: package version, schema versions, Node version (one JSON line with --json). */
export function versionText(json: boolean): string {
  const v = { tillbox: packageVersion(), schemas: SCHEMA_VERSIONS, node: process.version, platform: `${process.platform}-${process.arch}` };
  if (json) return `${JSON.stringify(v)}\n`;
  const s = v.schemas;
  return `tillbox ${v.tillbox}\nschemas: journal ${s.journal}, ledger ${s.ledger}, outbox ${s.outbox}\nnode ${v.node} (${v.platform})\n`;
}

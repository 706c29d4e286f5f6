/**
 * Generates the configuration table (docs/configuration.md) and the error-code list (docs/errors.md)
 * from src/config/schema.ts and src/errors.ts, so the docs cannot drift: `npx tsx
 * scripts/config-docs.ts --write` rewrites both, without --write it exits 1 when either is out of
 * date (tests/config/docs.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { ERROR_CODES } from '../src/errors.js';

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  properties?: Record<string, Node>;
  minimum?: number;
  maximum?: number;
}

function rows(node: Node, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (child.type === 'object') {
      rows(child, path, out);
      continue;
    }
    const def = child.default === undefined ? '—' : `\`${JSON.stringify(child.default)}\``;
    let expected = child.type ?? '';
    if (child.enum !== undefined) expected = child.enum.map((v) => String(v)).join(' \\| ');
    else if (child.minimum !== undefined || child.maximum !== undefined) expected += ` ${child.minimum ?? ''}…${child.maximum ?? ''}`;
    const env = `TILLBOX_${path.replaceAll('.', '_').toUpperCase()}`;
    out.push(`| \`${path}\` | ${expected} | ${def} | \`${env}\` | ${child.description ?? ''} |`);
  }
}

export function configTable(): string {
  const out = ['| key | expected | default | environment | meaning |', '|---|---|---|---|---|'];
  rows(configSchema as unknown as Node, '', out);
  return out.join('\n');
}

export function errorTable(): string {
  return ['| code | meaning |', '|---|---|', ...Object.entries(ERROR_CODES).map(([c, d]) => `| \`${c}\` | ${d} |`)].join('\n');
}

/** The generated files and the marker whose body each holds. */
export const GENERATED = [
  { file: 'docs/configuration.md', marker: 'config-table', body: configTable },
  { file: 'docs/errors.md', marker: 'error-codes', body: errorTable },
] as const;

/** `text` with the generated table of `marker` brought up to date. */
export function render(text: string, marker: string, body: string): string {
  return replaceBetween(text, marker, body);
}

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no ${start} … ${end} markers`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

if (process.argv[1]?.endsWith('config-docs.ts')) {
  let stale = false;
  for (const g of GENERATED) {
    const file = join(import.meta.dirname, '..', g.file);
    const current = readFileSync(file, 'utf8');
    const next = render(current, g.marker, g.body());
    if (process.argv.includes('--write')) writeFileSync(file, next);
    else if (next !== current) {
      console.error(`${g.file} is out of date: run npx tsx scripts/config-docs.ts --write`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
}

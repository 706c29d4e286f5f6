import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { TillboxError } from '../../errors.js';
import { unsafePatternReason } from './safe-pattern.js';
import { profileSchema } from './schema.js';
import type { CompiledProfile, Profile, ProfileSource } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(profileSchema);

/**
 * The profiles shipped with tillbox (top-level profiles/). Resolved from this file's location so it
 * works from src/ (vitest, tsx) and from dist/ alike: both sit three folders below the package root.
 */
export function shippedProfilesDir(): string {
  return fileURLToPath(new URL('../../../profiles/', import.meta.url));
}

/**
 * Reads every *.yaml / *.yml profile in the given directories, in order; a later profile with the
 * same name replaces an earlier one (a store's own directory can override a shipped profile).
 * Every problem of every file is collected and thrown at once as TBX_PROFILE_INVALID.
 */
export function loadProfiles(dirs: string[]): Profile[] {
  const byName = new Map<string, Profile>();
  const problems: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
    } catch (err) {
      problems.push(`${dir}: cannot read profile directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      let raw: unknown;
      try {
        raw = parseYaml(readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      try {
        const p = profileFromObject(raw, file);
        byName.set(p.name, p);
      } catch (err) {
        if (err instanceof TillboxError) problems.push(err.message);
        else throw err;
      }
    }
  }
  if (problems.length > 0) throw new TillboxError('TBX_PROFILE_INVALID', problems.join('; '));
  return [...byName.values()];
}

/** Validates and compiles one profile object (from YAML, or from head office over MQTT). */
export function profileFromObject(raw: unknown, file = '(profile)'): Profile {
  if (!validate(raw)) {
    const msgs = (validate.errors ?? []).map((e) => describe(e));
    throw new TillboxError('TBX_PROFILE_INVALID', `${file}: ${[...new Set(msgs)].join('; ')}`);
  }
  const source = raw as unknown as ProfileSource;
  const problems: string[] = [];
  if (source.match.all === undefined && source.match.any === undefined) problems.push("match: needs 'all' or 'any' patterns (the header signature)");
  const re = (pattern: string, key: string): RegExp => {
    try {
      const compiled = new RegExp(pattern, 'iu');
      // Validation runs before any use: an unsafe pattern never reaches a receipt (issue 17).
      const unsafe = unsafePatternReason(pattern);
      if (unsafe !== null) {
        problems.push(`${key}: ${unsafe}`);
        return /(?!)/;
      }
      return compiled;
    } catch (err) {
      problems.push(`${key}: not a valid regular expression (${(err as Error).message})`);
      return /(?!)/;
    }
  };
  const list = (patterns: string[] | undefined, key: string) => (patterns ?? []).map((p, i) => re(p, `${key}[${i}]`));
  const optional = <K extends string>(obj: Partial<Record<K, string[]>> | undefined, key: string) => {
    const out: Partial<Record<K, RegExp[]>> = {};
    for (const [k, v] of Object.entries(obj ?? {}) as [K, string[]][]) out[k] = list(v, `${key}.${k}`);
    return out;
  };
  const items = source.items;
  const compiled: CompiledProfile = {
    match: { all: list(source.match.all, 'match.all'), any: list(source.match.any, 'match.any'), none: list(source.match.none, 'match.none'), within: source.match.within ?? 1000 },
    fields: optional(source.fields, 'fields'),
    items:
      items === undefined
        ? null
        : {
            start: items.start === undefined ? null : re(items.start, 'items.start'),
            end: items.end === undefined ? null : re(items.end, 'items.end'),
            rows: items.rows.map((row, i) => list(row, `items.rows[${i}]`)),
            discount: list(items.discount, 'items.discount'),
          },
    totals: optional(source.totals, 'totals'),
    payments: (source.payments ?? []).map((p, i) => ({ re: re(p.pattern, `payments[${i}].pattern`), method: p.method })),
    markers: optional(source.markers, 'markers'),
  };
  for (const [i, row] of (items?.rows ?? []).entries()) {
    if (!row.some((p) => p.includes('(?<amount>'))) problems.push(`items.rows[${i}]: one of the row's patterns needs a named group (?<amount>...)`);
  }
  if (problems.length > 0) throw new TillboxError('TBX_PROFILE_INVALID', `${file}: ${problems.join('; ')}`);
  return { name: source.name, file, source, re: compiled };
}

function describe(e: ErrorObject): string {
  const path = e.instancePath === '' ? '(top level)' : e.instancePath.slice(1).replaceAll('/', '.');
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path}: unknown key '${String(e.params['additionalProperty'])}'`;
    case 'required':
      return `${path}: missing key '${String(e.params['missingProperty'])}'`;
    case 'enum':
      return `${path}: expected one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${path}: ${e.message ?? 'invalid'}`;
  }
}

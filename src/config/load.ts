import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { TillboxError } from '../errors.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A config problem the installer can act on: where, and what was expected. */
export class ConfigError extends TillboxError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super('TBX_CONFIG_INVALID', `${source}: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true });
const validate = ajv.compile(configSchema);

/** Reads, overrides from TILLBOX_* variables, validates (every problem at once) and freezes. */
export function loadConfig(file: string | undefined, env: Env = {}): Config {
  let raw: unknown = {};
  const source = file ?? 'built-in defaults';
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TillboxError('TBX_CONFIG_UNREADABLE', `${file}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
      throw new TillboxError('TBX_CONFIG_UNREADABLE', `${file}: not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  return configFromObject(raw, env, source);
}

export function configFromObject(raw: unknown, env: Env = {}, source = 'config'): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, ['(top level): expected a mapping of keys such as store, pos, printer']);
  }
  const doc = structuredClone(raw) as Record<string, unknown>;
  const problems = applyEnvOverrides(doc, env);
  if (!validate(doc)) problems.push(...onePerKey((validate.errors ?? []).map(describe)));
  problems.push(...crossChecks(doc));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(doc as unknown as Config);
}

/** TILLBOX_POS_PATH -> pos.path, TILLBOX_PRINTER_BAUDRATE -> printer.baudRate (case-insensitive). */
function applyEnvOverrides(doc: Record<string, unknown>, env: Env): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('TILLBOX_') || value === undefined) continue;
    const parts = name.slice('TILLBOX_'.length).toLowerCase().split('_');
    let schema: SchemaNode = configSchema as SchemaNode;
    let target: Record<string, unknown> = doc;
    const keys: string[] = [];
    for (const [i, part] of parts.entries()) {
      const key = Object.keys(schema.properties ?? {}).find((k) => k.toLowerCase() === part);
      if (key === undefined) {
        keys.length = 0;
        break;
      }
      keys.push(key);
      schema = (schema.properties ?? {})[key] as SchemaNode;
      if (i < parts.length - 1) {
        const next = target[key];
        if (typeof next !== 'object' || next === null) target[key] = {};
        target = target[key] as Record<string, unknown>;
      } else {
        target[key] = value;
      }
    }
    if (keys.length === 0) problems.push(`${name}: no such config key (environment variable)`);
  }
  return problems;
}

interface SchemaNode {
  properties?: Record<string, unknown>;
}

function describe(e: ErrorObject): string {
  const path = e.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(e.params['additionalProperty']);
      return `${path === '(top level)' ? '' : `${path}.`}${extra}: unknown key`;
    }
    case 'enum':
      return `${path}: expected one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path}: expected ${String(e.params['type'])}`;
    case 'pattern':
      return `${path}: expected text matching ${String(e.params['pattern'])}`;
    case 'required':
      return `${path === '(top level)' ? '' : `${path}.`}${String(e.params['missingProperty'])}: required`;
    default:
      return `${path}: ${e.message ?? 'invalid'}`;
  }
}

/** ajv reports a wrong-typed enum key twice (type, then enum); the installer needs it once. */
function onePerKey(messages: string[]): string[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const key = m.slice(0, m.indexOf(':'));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function crossChecks(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const sync = doc['sync'] as Config['sync'] | undefined;
  if (sync?.member === 'pseudonym' && sync.pseudonymKey === undefined) {
    problems.push('sync.pseudonymKey: required when sync.member is pseudonym (or set TILLBOX_SYNC_PSEUDONYMKEY)');
  }
  const tap = doc['tap'] as Config['tap'] | undefined;
  if (tap !== undefined && tap.reopenMinMs > tap.reopenMaxMs) {
    problems.push('tap.reopenMinMs: expected at most tap.reopenMaxMs');
  }
  const qr = (doc['footer'] as Config['footer'] | undefined)?.qr;
  if (qr?.url !== undefined) {
    if (qr.key === undefined) problems.push('footer.qr.key: required when footer.qr.url is set (or set TILLBOX_FOOTER_QR_KEY)');
    if (!qr.url.includes('{token}')) problems.push('footer.qr.url: expected a {token} placeholder (it names the receipt to head office)');
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

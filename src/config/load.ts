import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { TillboxError } from '../errors.js';
import { semanticChecks } from './checks.js';
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
  const problems = problemsOf(doc, env);
  if (problems.length > 0) throw new ConfigError(source, problems.map((p) => p.message));
  return deepFreeze(doc as unknown as Config);
}

/**
 * One config problem, for a program that shows it at its key (the owner's settings page): the
 * key path, what kind of check refused it (a JSON Schema keyword such as enum, minimum, pattern;
 * `unknown` for an unknown key; `check` for src/config/checks.ts; `env` for an environment
 * variable) with the keyword's parameters, and the same message `tillbox run` prints.
 */
export interface ConfigProblem {
  key: string;
  kind: string;
  params: Record<string, unknown>;
  message: string;
}

/** Every problem of a raw config document (with TILLBOX_* overrides applied), none when it is valid. */
export function configProblems(raw: unknown, env: Env = {}): ConfigProblem[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ key: '(top level)', kind: 'type', params: { type: 'object' }, message: '(top level): expected a mapping of keys such as store, pos, printer' }];
  }
  return problemsOf(structuredClone(raw) as Record<string, unknown>, env);
}

/** Validates doc in place (ajv fills defaults into it). */
function problemsOf(doc: Record<string, unknown>, env: Env): ConfigProblem[] {
  const problems: ConfigProblem[] = applyEnvOverrides(doc, env).map((message) => ({ key: message.slice(0, message.indexOf(':')), kind: 'env', params: {}, message }));
  const schemaProblems = validate(doc) ? [] : (validate.errors ?? []).map(structured);
  const checked = semanticChecks(doc).map((message) => ({ key: message.slice(0, message.indexOf(':')), kind: 'check', params: {}, message }));
  // Semantic checks run even when the schema failed, so the installer sees everything at once;
  // a key the schema already refused is reported once, with the schema's message.
  problems.push(...onePerKey([...schemaProblems, ...checked]));
  return problems;
}

function structured(e: ErrorObject): ConfigProblem {
  const message = describe(e);
  const kind = e.keyword === 'additionalProperties' ? 'unknown' : e.keyword;
  return { key: message.slice(0, message.indexOf(':')), kind, params: { ...e.params }, message };
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
function onePerKey(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (seen.has(p.key)) return false;
    seen.add(p.key);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

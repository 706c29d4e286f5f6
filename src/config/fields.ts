/**
 * The config schema as a flat list of settings, for a settings form generated from it (the
 * owner's page): one entry per leaf key, with its type, limits, default and description, and
 * whether it takes effect at once (live) or after a restart, and whether it is a secret.
 */
import { configSchema } from './schema.js';

export interface SettingField {
  /** Dotted key path, e.g. `printer.baudRate`. */
  key: string;
  /** The first dotted part (a section), or the key itself for a top-level leaf such as dataDir. */
  section: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  description: string;
  /** Applied without a restart when saved (the rest need `systemctl restart tillbox`). */
  live: boolean;
  /** Its value never leaves the box: the page only learns whether it is set. */
  secret: boolean;
  /** Not changed from the page (the owner password: `tillbox passwd`, or the page's first-run setup). */
  readonly: boolean;
}

/**
 * Keys the daemon applies as soon as they are saved. log.level: both processes take the new level
 * (the same re-read SIGHUP does). Every other key is read once at start-up.
 */
export const LIVE_KEYS: ReadonlySet<string> = new Set(['log.level']);

/** Keys whose value is a secret (passwords, HMAC keys, the owner's hash). */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['web.adminPasswordHash', 'mqtt.password', 'sync.pseudonymKey', 'footer.qr.key']);

/** Keys the page shows but does not change. */
export const READONLY_KEYS: ReadonlySet<string> = new Set(['web.adminPasswordHash']);

interface Node {
  type?: string;
  properties?: Record<string, Node>;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  description?: string;
}

/** Every leaf key of the schema, in the schema's order. */
export function settingFields(): SettingField[] {
  const out: SettingField[] = [];
  const walk = (node: Node, path: string[]): void => {
    if (node.type === 'object' && node.properties !== undefined) {
      for (const [k, child] of Object.entries(node.properties)) walk(child, [...path, k]);
      return;
    }
    const key = path.join('.');
    const type = node.type === 'integer' || node.type === 'number' || node.type === 'boolean' ? node.type : 'string';
    out.push({
      key,
      section: path[0] ?? key,
      type,
      ...(node.enum !== undefined ? { enum: node.enum } : {}),
      ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
      ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
      ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
      ...(node.pattern !== undefined ? { pattern: node.pattern } : {}),
      ...(node.default !== undefined && typeof node.default !== 'object' ? { default: node.default } : {}),
      description: node.description ?? '',
      live: LIVE_KEYS.has(key),
      secret: SECRET_KEYS.has(key),
      readonly: READONLY_KEYS.has(key),
    });
  };
  walk(configSchema as unknown as Node, []);
  return out;
}

/** The TILLBOX_* variable that overrides a key (load.ts matches its parts case-insensitively). */
export function envNameOf(key: string): string {
  return `TILLBOX_${key.split('.').map((p) => p.toUpperCase()).join('_')}`;
}

/**
 * A value from a form, as the schema's type wants it: "9600" for an integer key is 9600. Anything
 * that does not convert is returned unchanged, so validation names the key and what it expected.
 */
export function coerceSetting(field: SettingField, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if ((field.type === 'integer' || field.type === 'number') && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (field.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return value;
}

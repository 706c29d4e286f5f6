/**
 * Reading and changing the config file from a program (the owner's settings page), with the same
 * schema and checks `tillbox run` applies. A change is validated as the whole file it would make
 * (with TILLBOX_* overrides) before anything is written; a valid one is written atomically (temp
 * file, rename) after a copy of the previous file is kept as `<file>.bak-<UTC time>` (the newest
 * BACKUPS_KEPT are kept). Comments and layout survive: the `yaml` Document API edits the parsed
 * document in place rather than re-serialising a plain object.
 */
import { accessSync, constants, copyFileSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isScalar, parseDocument, type Document } from 'yaml';
import { TillboxError } from '../errors.js';
import { coerceSetting, envNameOf, settingFields, type SettingField } from './fields.js';
import { configProblems, type ConfigProblem, type Env } from './load.js';

/** Backups of the config file kept beside it; older ones are deleted when a new one is made. */
export const BACKUPS_KEPT = 5;

export interface SettingValue extends SettingField {
  /** The file's value; absent for a secret (see `set`) and for a key the file does not set. */
  value?: unknown;
  /** Whether the file sets the key (for a secret, the only thing said about it). */
  set: boolean;
  /** The environment variable that overrides the file's value, when one is set. */
  env?: string;
}

export interface SettingsView {
  file: string;
  /**
   * null when the daemon may write the file and its directory (backup, temp file); else the error
   * code. An installed box keeps /etc/tillbox root-owned and read-only to the service (postinst,
   * ProtectSystem=strict): there the view is read-only and says why.
   */
  notWritable: string | null;
  settings: SettingValue[];
}

export type SettingsChange = Record<string, unknown>;

export type SaveResult =
  | { ok: true; backup: string | null; changed: string[]; restartNeeded: string[]; live: string[] }
  | { ok: false; problems: ConfigProblem[] }
  | { ok: false; notWritable: string };

/** null when the file and its directory are writable by this process, else the error code (EACCES, EROFS …). */
export function notWritable(file: string): string | null {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

function readDoc(file: string): Document {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TillboxError('TBX_CONFIG_UNREADABLE', `${file}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new TillboxError('TBX_CONFIG_UNREADABLE', `${file}: not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  return doc;
}

const pathOf = (key: string): string[] => key.split('.');

/** What the file says for every key of the schema; secrets only as set or not. */
export function readSettings(file: string, env: Env = {}): SettingsView {
  const doc = readDoc(file);
  return {
    file,
    notWritable: notWritable(file),
    settings: settingFields().map((f) => {
      const node: unknown = doc.getIn(pathOf(f.key), true);
      const set = node !== undefined && !(isScalar(node) && node.value === null);
      const raw: unknown = set ? doc.getIn(pathOf(f.key)) : undefined;
      const envName = envNameOf(f.key);
      return {
        ...f,
        set,
        ...(set && !f.secret ? { value: raw } : {}),
        ...(env[envName] !== undefined ? { env: envName } : {}),
      };
    }),
  };
}

/**
 * Applies changes (key → new value; null removes the key, so its default applies) and, when the
 * resulting file is valid, writes it with a backup of the old one. Unknown or read-only keys, and
 * every problem of the resulting config, come back at their keys and nothing is written.
 */
export function saveSettings(file: string, changes: SettingsChange, env: Env = {}, now: () => number = Date.now): SaveResult {
  const fields = new Map(settingFields().map((f) => [f.key, f]));
  const doc = readDoc(file);
  const refused: ConfigProblem[] = [];
  const changed: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const field = fields.get(key);
    if (field === undefined) {
      refused.push({ key, kind: 'unknown', params: {}, message: `${key}: unknown key` });
      continue;
    }
    if (field.readonly) {
      refused.push({ key, kind: 'readonly', params: {}, message: `${key}: not changed from the page (use tillbox passwd)` });
      continue;
    }
    const before: unknown = doc.getIn(pathOf(key));
    if (value === null || value === undefined) {
      if (before !== undefined) {
        doc.deleteIn(pathOf(key));
        changed.push(key);
      }
      continue;
    }
    const typed = coerceSetting(field, value);
    if (typed === before) continue;
    setIn(doc, key, typed);
    changed.push(key);
  }
  if (refused.length > 0) return { ok: false, problems: refused };
  const problems = configProblems(doc.toJS(), env);
  if (problems.length > 0) return { ok: false, problems };
  if (changed.length === 0) return { ok: true, backup: null, changed, restartNeeded: [], live: [] };
  const blocked = notWritable(file);
  if (blocked !== null) return { ok: false, notWritable: blocked };
  // lineWidth 0: no folding of long values onto several lines (the owner's layout stays).
  const backup = writeWithBackup(file, doc.toString({ lineWidth: 0 }), now());
  return {
    ok: true,
    backup,
    changed,
    live: changed.filter((k) => fields.get(k)?.live === true),
    restartNeeded: changed.filter((k) => fields.get(k)?.live !== true),
  };
}

/** setIn, creating missing sections as block mappings (a flow `{}` would read oddly in the file). */
function setIn(doc: Document, key: string, value: unknown): void {
  const path = pathOf(key);
  for (let i = 1; i < path.length; i++) {
    const parent = path.slice(0, i);
    const node: unknown = doc.getIn(parent, true);
    if (node === undefined || (isScalar(node) && node.value === null)) doc.setIn(parent, doc.createNode({}));
  }
  doc.setIn(path, value);
}

function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The old file to `<file>.bak-<time>`, the new text to a temp file renamed over it; old backups pruned. */
function writeWithBackup(file: string, text: string, nowMs: number): string {
  const dir = dirname(file);
  const name = basename(file);
  let backup = join(dir, `${name}.bak-${stampOf(nowMs)}`);
  for (let n = 2; existsQuiet(backup); n++) backup = join(dir, `${name}.bak-${stampOf(nowMs)}-${n}`);
  copyFileSync(file, backup);
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  writeFileSync(tmp, text, { mode: statSync(file).mode & 0o777 });
  renameSync(tmp, file);
  const backups = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}.bak-`))
    .sort(); // the UTC stamp sorts by time
  for (const old of backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT))) unlinkSync(join(dir, old));
  return backup;
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * One pino JSON line to one readable line, for `tillbox logs`. Pure: no clock, no I/O. Member ids
 * and phone numbers are masked again here (pino's redact covers known keys; a number inside a
 * message or an unexpected key is caught by maskText), so a pasted log is safe to share.
 */
import { maskMember, maskText } from './web/mask.js';

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LevelName = keyof typeof LEVELS;

const NAMES = new Map<number, string>(Object.entries(LEVELS).map(([k, v]) => [v, k.toUpperCase()]));
/** pino's own fields, shown in the line's head rather than as key=value. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg', 'module', 'process', 'v']);
/** Keys whose value is a member id or phone, whatever its shape. */
const PERSONAL = new Set(['member', 'memberId', 'phone', 'mobile']);
/** A long value is cut in the pretty line (the raw JSON is still in journald). */
const MAX_VALUE_CHARS = 200;

function value(key: string, v: unknown): string {
  if (PERSONAL.has(key) && typeof v === 'string' && v !== '[redacted]') return maskMember(v);
  const s = typeof v === 'string' ? (/[\s=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v, (k, x: unknown) => (PERSONAL.has(k) && typeof x === 'string' ? maskMember(x) : x));
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

function stamp(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '?' : d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Formats one line; null when it is below `minLevel`. A line that is not pino JSON (a stack trace
 * from a crash, systemd's own words) is kept as it is, masked, whatever the level filter says.
 */
export function formatLogLine(line: string, minLevel = 0): string | null {
  const text = line.trimEnd();
  if (text === '') return null;
  let rec: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { level?: unknown }).level !== 'number') return maskText(text);
    rec = parsed as Record<string, unknown>;
  } catch {
    return maskText(text);
  }
  const level = rec.level as number;
  if (level < minLevel) return null;
  const who = [rec.process, rec.module].filter((x): x is string => typeof x === 'string').join('/');
  const head = `${stamp(typeof rec.time === 'number' ? rec.time : NaN)} ${(NAMES.get(level) ?? String(level)).padEnd(5)} ${who === '' ? '' : `[${who}] `}${typeof rec.msg === 'string' ? rec.msg : ''}`;
  const rest: string[] = [];
  let stack = '';
  for (const [k, v] of Object.entries(rec)) {
    if (HEAD.has(k)) continue;
    if (k === 'err' && typeof v === 'object' && v !== null) {
      const e = v as { type?: unknown; message?: unknown; code?: unknown; stack?: unknown };
      rest.push(`err=${JSON.stringify(`${String(e.type ?? 'Error')}: ${String(e.message ?? '')}${e.code !== undefined ? ` [${String(e.code)}]` : ''}`)}`);
      if (level >= LEVELS.error && typeof e.stack === 'string') stack = `\n    ${e.stack.split('\n').slice(1).map((l) => l.trim()).join('\n    ')}`;
      continue;
    }
    rest.push(`${k}=${value(k, v)}`);
  }
  return maskText(`${head}${rest.length > 0 ? `  ${rest.join(' ')}` : ''}${stack}`);
}

/** `--level warn` to pino's number; undefined for a name pino does not have. */
export function levelNumber(name: string): number | undefined {
  return Object.hasOwn(LEVELS, name) ? LEVELS[name as LevelName] : undefined;
}

/**
 * What JSON Schema cannot say about a config: time zones Intl knows, cron expressions node-cron
 * accepts, URLs with the right scheme and a host, host:port pairs, TLS files that exist and hold
 * PEM, an admin hash in the format `tillbox passwd` writes, and relations between keys. Each
 * problem names its key path and what was expected, like the schema's own messages; load.ts
 * reports them together with those. Every check here is one the daemon would otherwise fail on
 * later (often in the analytics child, over and over), so it belongs at start-up.
 *
 * The document may be partly invalid (the schema check runs first but does not stop these), so
 * every check looks at the type it gets before trusting it. Secrets are never echoed.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import cron from 'node-cron';
import { isPasswordHash } from '../web/auth/password.js';

type Doc = Record<string, unknown>;

/** URL schemes mqtt.js connects with; tcp and ssl are its aliases of mqtt and mqtts. */
export const MQTT_SCHEMES: readonly string[] = ['mqtt', 'mqtts', 'ws', 'wss', 'tcp', 'ssl'];
const MQTT_TLS_SCHEMES: readonly string[] = ['mqtts', 'wss', 'ssl'];
export const WEBHOOK_SCHEMES: readonly string[] = ['http', 'https'];
/** A TLS file larger than this is not a certificate or key (and is not read into memory). */
const MAX_PEM_BYTES = 1024 * 1024;

const section = (doc: Doc, name: string): Doc | undefined => {
  const s = doc[name];
  return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as Doc) : undefined;
};
const str = (s: Doc | undefined, key: string): string | undefined => (typeof s?.[key] === 'string' ? (s[key] as string) : undefined);
const num = (s: Doc | undefined, key: string): number | undefined => (typeof s?.[key] === 'number' ? (s[key] as number) : undefined);

export function semanticChecks(doc: Doc): string[] {
  const problems: string[] = [];
  const add = (p: string | null): void => {
    if (p !== null) problems.push(p);
  };
  const store = section(doc, 'store');
  const pos = section(doc, 'pos');
  const printer = section(doc, 'printer');
  const web = section(doc, 'web');
  const mqtt = section(doc, 'mqtt');
  const sync = section(doc, 'sync');
  const tap = section(doc, 'tap');
  const insights = section(doc, 'insights');
  const notifications = section(doc, 'notifications');

  add(timeZoneProblem('store.timezone', str(store, 'timezone')));
  add(currencyProblem('store.currency', str(store, 'currency')));
  add(hostPortProblem('pos.listen', str(pos, 'listen')));
  add(hostProblem('printer.host', str(printer, 'host')));
  if ((str(pos, 'listen') === undefined) !== (str(printer, 'host') === undefined)) {
    problems.push(str(pos, 'listen') === undefined ? 'printer.host: set, but pos.listen is not (network printing needs both)' : 'pos.listen: set, but printer.host is not (network printing needs both)');
  }
  if (pos?.['usbGadget'] === true && str(pos, 'listen') !== undefined) problems.push('pos.usbGadget: set together with pos.listen (the POS prints either over USB or over the network)');
  if (str(printer, 'usb') !== undefined && str(printer, 'host') !== undefined) problems.push('printer.usb: set together with printer.host (the printer is either on USB or on the network)');
  if ((pos?.['usbGadget'] === true || str(printer, 'usb') !== undefined) && (str(pos, 'listen') !== undefined || str(printer, 'host') !== undefined)) {
    problems.push('pos.usbGadget / printer.usb: a USB side goes with a serial or USB other side, not with network printing');
  }
  if (section(doc, 'bypass')?.['enabled'] === true && (str(pos, 'listen') !== undefined || str(printer, 'host') !== undefined)) {
    problems.push('bypass.enabled: a relay switches serial or USB lines; network printing has none to switch');
  }
  add(dirProblem('dataDir', typeof doc['dataDir'] === 'string' ? doc['dataDir'] : undefined));
  add(hostProblem('web.host', str(web, 'host')));
  const hash = str(web, 'adminPasswordHash');
  if (hash !== undefined && !isPasswordHash(hash)) {
    problems.push('web.adminPasswordHash: expected a scrypt hash as printed by `tillbox passwd` (scrypt$N$r$p$salt$key), not the password itself');
  }
  if (mqtt !== undefined) problems.push(...mqttProblems(mqtt));
  if (sync?.['member'] === 'pseudonym' && sync['pseudonymKey'] === undefined) {
    problems.push('sync.pseudonymKey: required when sync.member is pseudonym (or set TILLBOX_SYNC_PSEUDONYMKEY)');
  }
  const [reMin, reMax] = [num(tap, 'reopenMinMs'), num(tap, 'reopenMaxMs')];
  if (reMin !== undefined && reMax !== undefined && reMin > reMax) problems.push('tap.reopenMinMs: expected at most tap.reopenMaxMs');
  add(cronProblem('insights.cron', str(insights, 'cron')));
  const [unit, windowDays] = [num(insights, 'timeUnitDays'), num(insights, 'windowDays')];
  if (unit !== undefined && windowDays !== undefined && unit > windowDays) problems.push('insights.timeUnitDays: expected at most insights.windowDays');
  add(urlProblem('notifications.webhook', str(notifications, 'webhook'), WEBHOOK_SCHEMES));
  const file = str(notifications, 'file');
  if (file !== undefined && isDirectory(file)) problems.push(`notifications.file: expected a file to append to, got the directory ${JSON.stringify(file)}`);
  const qr = section(section(doc, 'footer') ?? {}, 'qr');
  const qrUrl = str(qr, 'url');
  if (qrUrl !== undefined) {
    if (str(qr, 'key') === undefined) problems.push('footer.qr.key: required when footer.qr.url is set (or set TILLBOX_FOOTER_QR_KEY)');
    if (!qrUrl.includes('{token}')) problems.push('footer.qr.url: expected a {token} placeholder (it names the receipt to head office)');
  }
  return problems;
}

function mqttProblems(mqtt: Doc): string[] {
  const problems: string[] = [];
  const url = str(mqtt, 'url');
  const p = urlProblem('mqtt.url', url, MQTT_SCHEMES);
  if (p !== null) problems.push(p);
  const tls = url !== undefined && p === null && MQTT_TLS_SCHEMES.includes(new URL(url).protocol.slice(0, -1));
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = str(mqtt, key);
    if (file === undefined) continue;
    const bad = pemProblem(`mqtt.${key}`, file, key);
    if (bad !== null) problems.push(bad);
    else if (url !== undefined && p === null && !tls) problems.push(`mqtt.${key}: set, but mqtt.url is not a TLS URL (mqtts:// or wss://), so it would not be used`);
  }
  const [cert, key] = [str(mqtt, 'cert'), str(mqtt, 'key')];
  if ((cert === undefined) !== (key === undefined)) problems.push(cert === undefined ? 'mqtt.cert: required when mqtt.key is set' : 'mqtt.key: required when mqtt.cert is set');
  else if (cert !== undefined && key !== undefined && problems.length === 0) {
    try {
      if (!new X509Certificate(readFileSync(cert)).checkPrivateKey(createPrivateKey(readFileSync(key)))) problems.push('mqtt.key: does not belong to the certificate in mqtt.cert');
    } catch {
      // Already reported by pemProblem if unreadable; a mismatch of key types lands here too.
      problems.push('mqtt.key: does not belong to the certificate in mqtt.cert');
    }
  }
  // MQTT 3.1.1 §3.1.2.9: a password without a user name is a protocol error.
  if (mqtt['protocolVersion'] === 4 && mqtt['password'] !== undefined && mqtt['username'] === undefined) {
    problems.push('mqtt.username: required with mqtt.password under MQTT 3.1.1 (protocolVersion 4)');
  }
  return problems;
}

export function timeZoneProblem(key: string, zone: string | undefined): string | null {
  if (zone === undefined) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return null;
  } catch {
    return `${key}: expected an IANA time zone such as Asia/Shanghai or Europe/Berlin, got ${JSON.stringify(zone)}`;
  }
}

function currencyProblem(key: string, code: string | undefined): string | null {
  if (code === undefined || !/^[A-Z]{3}$/.test(code)) return null; // the schema pattern reports it
  return Intl.supportedValuesOf('currency').includes(code) ? null : `${key}: expected an ISO 4217 currency code such as CNY, got ${JSON.stringify(code)}`;
}

/** node-cron's own parser, so what passes here is what cron.schedule accepts. */
export function cronProblem(key: string, expr: string | undefined): string | null {
  if (expr === undefined) return null;
  const v = cron.validateDetailed(expr);
  if (v.valid) return null;
  const why = v.errors.map((e) => e.message).join(', ');
  return `${key}: expected a cron expression of 5 or 6 fields (minute hour day month weekday, e.g. "30 2 * * *"), got ${JSON.stringify(expr)} (${why})`;
}

export function urlProblem(key: string, text: string | undefined, schemes: readonly string[]): string | null {
  if (text === undefined) return null;
  const expected = `${key}: expected a URL ${schemes.map((s) => `${s}://`).join(', ')} with a host name`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${expected}, got text that is not a URL`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) return `${expected}, got a ${scheme}:// URL`;
  if (url.hostname === '') return `${expected}, got none`;
  return null;
}

/** An IPv4/IPv6 address or an RFC 1123 host name. */
function validHost(host: string): boolean {
  if (isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0) return true;
  return host.length <= 253 && host.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

function hostProblem(key: string, host: string | undefined): string | null {
  if (host === undefined || validHost(host)) return null;
  return `${key}: expected a host name or IP address, got ${JSON.stringify(host)}`;
}

function hostPortProblem(key: string, text: string | undefined): string | null {
  if (text === undefined) return null;
  const i = text.lastIndexOf(':');
  const [host, port] = [text.slice(0, i), Number(text.slice(i + 1))];
  if (i > 0 && validHost(host) && /^\d{1,5}$/.test(text.slice(i + 1)) && port >= 1 && port <= 65535) return null;
  return `${key}: expected host:port with a host name or IP address and a port 1-65535 (e.g. 0.0.0.0:9100), got ${JSON.stringify(text)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function dirProblem(key: string, path: string | undefined): string | null {
  if (path === undefined) return null;
  if (path.trim() === '') return `${key}: expected a directory path, got an empty one`;
  try {
    if (!statSync(path).isDirectory()) return `${key}: expected a directory, got the file ${JSON.stringify(path)}`;
  } catch {
    // Not there yet: tillbox run creates it (systemd: StateDirectory=).
  }
  return null;
}

/** The file exists, is readable, and holds what Node's TLS will accept (PEM of the right kind). */
function pemProblem(key: string, file: string, kind: 'ca' | 'cert' | 'key'): string | null {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) return `${key}: expected a PEM file, got ${JSON.stringify(file)} which is not a file`;
    if (st.size > MAX_PEM_BYTES) return `${key}: expected a PEM file, got ${JSON.stringify(file)} of ${st.size} bytes`;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return `${key}: cannot read ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const what = kind === 'key' ? 'a PEM private key' : 'a PEM certificate';
  try {
    if (kind === 'key') createPrivateKey(text);
    else new X509Certificate(text);
    return null;
  } catch {
    return `${key}: expected ${what} in ${JSON.stringify(file)}`;
  }
}

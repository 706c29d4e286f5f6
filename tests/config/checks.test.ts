/**
 * Values the schema's types allow but the daemon cannot use (issue 17 item 7, issue 13 item 5):
 * each must be a start-up ConfigError naming the key and what was expected, collected with the
 * schema's own problems. Real files (PEM made by openssl) for the TLS checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromObject } from '../../src/config/load.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { toolAvailable } from '../support/corpus.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function problemsOf(raw: object, env: Record<string, string> = {}): readonly string[] {
  try {
    configFromObject(raw, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** Exactly one problem, for this key, saying what was expected. */
function oneProblem(raw: object, key: string, expected: RegExp, env: Record<string, string> = {}): string {
  const problems = problemsOf(raw, env);
  expect(problems, JSON.stringify(raw)).toHaveLength(1);
  const p = problems[0]!;
  expect(p.startsWith(`${key}: `), p).toBe(true);
  expect(p).toMatch(expected);
  return p;
}

describe('semantic config checks: each bad value is refused at start naming its key', () => {
  it('store.timezone must be a zone Intl knows', () => {
    oneProblem({ store: { timezone: 'Mars/Phobos' } }, 'store.timezone', /expected an IANA time zone .*got "Mars\/Phobos"/);
    oneProblem({}, 'store.timezone', /IANA/, { TILLBOX_STORE_TIMEZONE: 'Asia/Shangai' });
    expect(problemsOf({ store: { timezone: 'Europe/Berlin' } })).toEqual([]);
    expect(problemsOf({ store: { timezone: 'UTC' } })).toEqual([]);
  });

  it('insights.cron must be an expression node-cron accepts', () => {
    oneProblem({ insights: { cron: 'every night' } }, 'insights.cron', /expected a cron expression .*got "every night" \(expected 5 or 6 fields/);
    for (const bad of ['60 * * * *', '0 25 * * *', '* * * * * * *', '0 0 31 2 *', '', '*/0 * * * *']) oneProblem({ insights: { cron: bad } }, 'insights.cron', /expected a cron expression/);
    for (const ok of ['30 2 * * *', '0 */6 * * *', '0 30 2 * * *', '0 3 * * 1-5']) expect(problemsOf({ insights: { cron: ok } })).toEqual([]);
  });

  it('web.adminPasswordHash must be a tillbox scrypt hash, and the message never echoes it', async () => {
    const p = oneProblem({ web: { adminPasswordHash: 'plaintext-password' } }, 'web.adminPasswordHash', /expected a scrypt hash .*tillbox passwd/);
    expect(p).not.toContain('plaintext-password');
    oneProblem({}, 'web.adminPasswordHash', /scrypt/, { TILLBOX_WEB_ADMINPASSWORDHASH: 'scrypt$16384$8$1$short$short' });
    const hash = await hashPassword('a good password', { N: 1024, r: 8, p: 1 });
    expect(problemsOf({ web: { adminPasswordHash: hash } })).toEqual([]);
  });

  it('mqtt.url must be an mqtt/mqtts/ws/wss URL with a host', () => {
    oneProblem({ mqtt: { url: 'http://broker.example' } }, 'mqtt.url', /expected text matching/); // the schema's pattern speaks first
    oneProblem({ mqtt: { url: 'mqtt://' } }, 'mqtt.url', /expected a URL mqtt:\/\/, mqtts:\/\/, ws:\/\/, wss:\/\/.* with a host name, got (none|text that is not a URL)/);
    oneProblem({ mqtt: { url: 'mqtt://broker example:1883' } }, 'mqtt.url', /not a URL/);
    oneProblem({ mqtt: { url: 'mqtts://broker.example:99999' } }, 'mqtt.url', /not a URL/);
    for (const ok of ['mqtt://127.0.0.1:1883', 'mqtts://broker.example:8883', 'wss://broker.example/mqtt', 'ws://[::1]:9001']) expect(problemsOf({ mqtt: { url: ok } })).toEqual([]);
  });

  it('notifications.webhook must be an http(s) URL with a host', () => {
    oneProblem({ notifications: { webhook: 'https://' } }, 'notifications.webhook', /expected a URL http:\/\/, https:\/\/ with a host name/);
    oneProblem({ notifications: { webhook: 'https://exa mple.com/hook' } }, 'notifications.webhook', /not a URL/);
    expect(problemsOf({ notifications: { webhook: 'https://crm.example/hook?x=1' } })).toEqual([]);
  });

  it('host:port and host names', () => {
    oneProblem({ pos: { listen: '0.0.0.0:99999' }, printer: { host: '10.0.0.5' } }, 'pos.listen', /expected host:port .*port 1-65535/);
    oneProblem({ pos: { listen: 'bad_host!:9100' }, printer: { host: '10.0.0.5' } }, 'pos.listen', /expected host:port/);
    oneProblem({ pos: { listen: '0.0.0.0:9100' }, printer: { host: 'printer..local' } }, 'printer.host', /expected a host name or IP address/);
    oneProblem({ web: { host: 'every interface' } }, 'web.host', /expected a host name or IP address/);
    oneProblem({ pos: { listen: '0.0.0.0:9100' } }, 'pos.listen', /printer\.host is not/);
    oneProblem({ printer: { host: '10.0.0.5' } }, 'printer.host', /pos\.listen is not/);
    expect(problemsOf({ pos: { listen: '0.0.0.0:9100' }, printer: { host: 'printer.local' }, web: { host: '::' } })).toEqual([]);
  });

  it('numeric relations: min not above max', () => {
    oneProblem({ tap: { reopenMinMs: 1500, reopenMaxMs: 1000 } }, 'tap.reopenMinMs', /at most tap\.reopenMaxMs/);
    oneProblem({ insights: { windowDays: 7, timeUnitDays: 14 } }, 'insights.timeUnitDays', /at most insights\.windowDays/);
    oneProblem({ mqtt: { url: 'mqtt://127.0.0.1', keepalive: 70000 } }, 'mqtt.keepalive', /<= 65535/);
  });

  it('currency code Intl knows; dataDir and notifications.file of the right kind', () => {
    oneProblem({ store: { currency: 'ABC' } }, 'store.currency', /ISO 4217/);
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'x');
    oneProblem({ dataDir: file }, 'dataDir', /expected a directory/);
    oneProblem({ notifications: { file: tmp.dir } }, 'notifications.file', /got the directory/);
  });

  it('MQTT 3.1.1 needs a user name with a password', () => {
    oneProblem({ mqtt: { url: 'mqtt://127.0.0.1', protocolVersion: 4, password: 'p' } }, 'mqtt.username', /required with mqtt\.password/);
    expect(problemsOf({ mqtt: { url: 'mqtt://127.0.0.1', protocolVersion: 5, password: 'p' } })).toEqual([]);
  });

  it('collects semantic and schema problems together, one per key', () => {
    const problems = problemsOf({ store: { timezone: 'Mars/Phobos', currency: 'yuan' }, insights: { cron: 'every night' }, web: { adminPasswordHash: 'plaintext-password', port: 'x' }, pos: { baud: 1 } });
    expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).toEqual(['insights.cron', 'pos.baud', 'store.currency', 'store.timezone', 'web.adminPasswordHash', 'web.port']);
  });
});

describe.skipIf(!toolAvailable('/usr/bin/openssl'))('TLS files', () => {
  const d = join(tmp.dir, 'pki');
  const f = (n: string): string => join(d, n);
  beforeAll(() => {
    mkdirSync(d, { recursive: true });
    const ssl = (...args: string[]): void => void execFileSync('/usr/bin/openssl', args, { stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=a', '-keyout', f('a.key'), '-out', f('a.pem'));
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=b', '-keyout', f('b.key'), '-out', f('b.pem'));
    writeFileSync(f('junk.pem'), 'not a certificate\n');
  });
  const url = 'mqtts://broker.example:8883';

  it('accepts existing PEM files that belong together', () => {
    expect(problemsOf({ mqtt: { url, ca: f('a.pem'), cert: f('b.pem'), key: f('b.key') } })).toEqual([]);
  });

  it('refuses a missing file, a file that is not PEM, a key without a certificate, a key of another certificate', () => {
    oneProblem({ mqtt: { url, ca: f('missing.pem') } }, 'mqtt.ca', /cannot read .*missing\.pem.*ENOENT/);
    oneProblem({ mqtt: { url, ca: f('junk.pem') } }, 'mqtt.ca', /expected a PEM certificate/);
    oneProblem({ mqtt: { url, cert: f('a.pem'), key: f('a.pem') } }, 'mqtt.key', /expected a PEM private key/);
    oneProblem({ mqtt: { url, key: f('a.key') } }, 'mqtt.cert', /required when mqtt\.key is set/);
    oneProblem({ mqtt: { url, cert: f('a.pem'), key: f('b.key') } }, 'mqtt.key', /does not belong to the certificate/);
  });

  it('refuses TLS files with a plain mqtt:// URL, where they would be ignored', () => {
    oneProblem({ mqtt: { url: 'mqtt://broker.example', ca: f('a.pem') } }, 'mqtt.ca', /not a TLS URL/);
  });
});

/**
 * Issue 17 item 7 / issue 13 item 5 over the real CLI: a value the daemon could not use
 * (unknown time zone, a cron it cannot schedule, a plain password where a hash belongs, a URL
 * of the wrong kind) stops `tillbox run` before anything starts, with exit 2 and one line naming
 * the key, and `tillbox doctor` fails its config check the same way. Before the fix `run` started
 * and the analytics child died over and over. Needs dist/ (npm test builds it first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolAvailable } from '../support/corpus.js';
import { PtyPair, SOCAT } from '../support/socat.js';
import { tempDir } from '../support/tmp.js';
import { CLI, DaemonProcess, writeConfig } from '../tap/daemon-process.js';

const tmp = tempDir('tbx-cfgerr-');
afterAll(tmp.cleanup);

const CASES: { name: string; doc: Record<string, unknown>; key: string; expected: RegExp }[] = [
  { name: 'unknown time zone', doc: { store: { timezone: 'Mars/Phobos' } }, key: 'store.timezone', expected: /IANA time zone/ },
  { name: 'cron in words', doc: { insights: { cron: 'every night' } }, key: 'insights.cron', expected: /expected a cron expression/ },
  { name: 'plain password as hash', doc: { web: { host: '127.0.0.1', port: 0, adminPasswordHash: 'plaintext-password' } }, key: 'web.adminPasswordHash', expected: /scrypt hash/ },
  { name: 'webhook without a host', doc: { notifications: { webhook: 'https://' } }, key: 'notifications.webhook', expected: /http:\/\/, https:\/\// },
  { name: 'missing CA file', doc: { mqtt: { url: 'mqtts://127.0.0.1:8883', ca: '/nonexistent/ca.pem' } }, key: 'mqtt.ca', expected: /cannot read/ },
];

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env['PATH'] ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bad values stop start-up: exit 2, one line naming the key', () => {
  for (const c of CASES) {
    it(`${c.name}: tillbox run and tillbox doctor`, () => {
      const dir = join(tmp.dir, c.key);
      mkdirSync(dir, { recursive: true });
      const file = writeConfig(dir, { pos: { path: join(tmp.dir, 'no-pos') }, printer: { path: join(tmp.dir, 'no-printer') }, ...c.doc });
      const run = cli(['run', '--config', file]);
      expect(run.code).toBe(2);
      const lines = run.stderr.split('\n').filter((l) => l !== '');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`${c.key}: `);
      expect(lines[0]).toMatch(c.expected);
      expect(lines[0]).toMatch(/\[TBX_CONFIG_INVALID\]/);
      expect(lines[0]).not.toContain('plaintext-password');

      const doctor = cli(['doctor', '--config', file]);
      expect(doctor.code).toBe(2);
      expect(doctor.stdout).toMatch(new RegExp(`FAIL\\s+config\\s+.*${c.key.replace('.', '\\.')}: `));
      expect(doctor.stdout).toMatch(c.expected);
    });
  }
});

describe.skipIf(!toolAvailable(SOCAT))('with real ports (the way the daemon crash-looped before)', () => {
  it('a bad time zone and cron stop start-up before the ports open, instead of restarting the child for ever', async () => {
    const dir = join(tmp.dir, 'ptys');
    mkdirSync(dir, { recursive: true });
    const pos = await PtyPair.create(join(dir, 'posT'), join(dir, 'posD'));
    const prn = await PtyPair.create(join(dir, 'prnD'), join(dir, 'prnT'));
    const d = DaemonProcess.run(writeConfig(dir, { pos: { path: pos.b }, printer: { path: prn.a }, store: { timezone: 'Mars/Phobos' }, insights: { cron: 'every night' } }));
    try {
      // Before the fix the tap came up and the analytics child died over and over; the daemon never exited.
      const exit = await Promise.race([d.exited, new Promise<'still running'>((res) => setTimeout(() => res('still running'), 15_000))]);
      expect(exit).toEqual({ code: 2, signal: null });
      const lines = d.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/store\.timezone: expected an IANA time zone.*insights\.cron: expected a cron expression.*\[TBX_CONFIG_INVALID\]/);
      expect(d.logs.some((l) => l.msg === 'tap ready')).toBe(false);
    } finally {
      await d.stop();
      pos.kill();
      prn.kill();
    }
  }, 30_000);
});

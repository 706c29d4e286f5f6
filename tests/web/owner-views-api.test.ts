/**
 * The settings, log and failed-receipt routes over app.inject with a real config file and the
 * in-memory WebDeps: owner only, cross-site writes refused, secrets never sent, log lines masked
 * and filtered, the failed list in pages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth/password.js';
import { LogRing } from '../../src/log-ring.js';
import type { LevelName } from '../../src/log-format.js';
import { tempDir } from '../support/tmp.js';
import { cookieFrom, testApp, type TestApp } from './support/app.js';

const PASSWORD = 'views-api-pw';

describe('owner view routes', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'tillbox.yaml');
  const text = `# note\ndataDir: ${tmp.dir}\nmqtt:\n  url: mqtt://127.0.0.1:1883\n  password: broker-secret-1\n`;
  const ring = new LogRing();
  let level: LevelName = 'info';
  let t: TestApp;
  let cookie = '';

  beforeAll(async () => {
    writeFileSync(file, text);
    t = testApp(
      { passwordHash: await hashPassword(PASSWORD) },
      { settings: { file, env: {} }, logs: { lines: (n) => ring.last(n), level: () => level, setLevel: (l) => void (level = l) } },
    );
    for (let i = 0; i < 25; i++) t.deps.addFailed({ id: `failed-${i}`, capturedAt: '2026-11-22T18:42:07+08:00', reason: 'no total found', text: `会员 8800123456 #${i}` });
    const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: PASSWORD } });
    cookie = cookieFrom(login.headers['set-cookie']);
  });
  afterAll(async () => {
    await t.app.close();
    tmp.cleanup();
  });

  it('needs the owner', async () => {
    for (const url of ['/api/settings', '/api/logs', '/api/log-level']) expect((await t.app.inject({ url })).statusCode).toBe(401);
  });

  it('sends settings without secrets', async () => {
    const res = await t.app.inject({ url: '/api/settings', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('broker-secret-1');
    expect(res.json<{ settings: { key: string; set: boolean }[] }>().settings.find((s) => s.key === 'mqtt.password')?.set).toBe(true);
  });

  it('refuses a write from another site, and a non-JSON body', async () => {
    const cross = await t.app.inject({ method: 'POST', url: '/api/settings', headers: { cookie, origin: 'http://evil.example', host: 'box.local:8080' }, payload: { changes: { 'store.name': 'x' } } });
    expect(cross.statusCode).toBe(403);
    const form = await t.app.inject({ method: 'POST', url: '/api/settings', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'changes=1' });
    expect(form.statusCode).toBe(415);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('saves from the same origin and applies log.level live', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/settings', headers: { cookie, origin: 'http://box.local:8080', host: 'box.local:8080' }, payload: { changes: { 'log.level': 'warn' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ saved: true, live: ['log.level'], restartNeeded: [] });
    expect(level).toBe('warn');
    expect(readFileSync(file, 'utf8')).toContain('# note');
    // The log line names the keys, never a value.
    expect(t.logs.some((l) => l.includes('owner changed the config file') && l.includes('log.level'))).toBe(true);
  });

  it('serves the log masked and filtered, and switches the level', async () => {
    ring.write(`${JSON.stringify({ level: 30, time: 1, msg: 'member 8800123456 looked up' })}\n${JSON.stringify({ level: 50, time: 2, msg: 'boom' })}\nnot json at all\n`);
    const all = (await t.app.inject({ url: '/api/logs?lines=10', headers: { cookie } })).json<{ lines: { level: string; text: string }[] }>();
    expect(all.lines.map((l) => l.level)).toEqual(['info', 'error', 'other']);
    expect(JSON.stringify(all)).not.toContain('8800123456');
    const errors = (await t.app.inject({ url: '/api/logs?level=error', headers: { cookie } })).json<{ lines: { level: string }[] }>();
    // A line that is not pino JSON always shows (like `tillbox logs`).
    expect(errors.lines.map((l) => l.level)).toEqual(['error', 'other']);
    const sw = await t.app.inject({ method: 'POST', url: '/api/log-level', headers: { cookie }, payload: { level: 'debug' } });
    expect(sw.json()).toEqual({ level: 'debug' });
    expect((await t.app.inject({ method: 'POST', url: '/api/log-level', headers: { cookie }, payload: { level: 'loud' } })).statusCode).toBe(400);
  });

  it('lists failed receipts in pages, member ids masked', async () => {
    const page = (offset: number) => t.app.inject({ url: `/api/receipts/failed?limit=10&offset=${offset}`, headers: { cookie } }).then((r) => r.json<{ failed: { id: string; text: string }[]; more: boolean }>());
    const [p0, p2] = [await page(0), await page(20)];
    expect(p0.failed).toHaveLength(10);
    expect(p0.more).toBe(true);
    expect(p2.failed).toHaveLength(5);
    expect(p2.more).toBe(false);
    expect(new Set([...p0.failed, ...p2.failed].map((f) => f.id)).size).toBe(15);
    expect(JSON.stringify(p0)).not.toContain('8800123456');
  });
});

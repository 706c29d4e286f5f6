/**
 * First-run setup writing dataDir/admin.hash, and the app over a real socket (port 0):
 * 401 without a login, cookie login through fetch, live receipts over server-sent events,
 * and a clean close with a live client attached. WebDeps: the in-memory stand-in (support/).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/web/auth/password.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { cookieFrom, testApp, type TestApp, listenOnLoopback } from './support/app.js';
import { makeReceipt } from './support/fake-deps.js';

let t: TestApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await t?.app.close();
  t = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe('first-run setup', () => {
  it('asks for a password when none is configured, writes dataDir/admin.hash (0600) once, then requires it', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'data', 'admin.hash');
    t = testApp({ setupFile: file });
    expect((await t.app.inject('/api/session')).json()).toEqual({ authenticated: false, setupRequired: true });
    expect((await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'anything-long' } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'short' } })).statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'first-owner-pw' } });
    expect(ok.statusCode).toBe(204);
    const cookie = cookieFrom(ok.headers['set-cookie']);
    expect((await t.app.inject({ url: '/api/status', headers: { cookie } })).statusCode).toBe(200);
    const stored = readFileSync(file, 'utf8').trim();
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await verifyPassword('first-owner-pw', stored)).toBe(true);
    // Nobody else can take over the box with a second setup.
    expect((await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'intruder-pw-1' } })).statusCode).toBe(409);
    await t.app.close();

    // After a restart the file is the password.
    t = testApp({ setupFile: file });
    expect((await t.app.inject('/api/session')).json()).toEqual({ authenticated: false, setupRequired: false });
    expect((await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'first-owner-pw' } })).statusCode).toBe(204);
  });

  it('lets a configured hash win over the file, and refuses a damaged file instead of reopening setup', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'admin.hash');
    writeFileSync(file, await hashPassword('file-password'));
    t = testApp({ setupFile: file, passwordHash: await hashPassword('config-password') });
    expect((await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'file-password' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'config-password' } })).statusCode).toBe(204);
    await t.app.close();
    t = undefined;
    writeFileSync(file, 'garbage\n');
    expect(() => testApp({ setupFile: file })).toThrow(/admin\.hash: not a tillbox password hash/);
  });
});

describe('over a real socket', () => {
  it('401 without login, then live receipts over SSE with masked members; logout and close() end the streams', async () => {
    t = testApp({ passwordHash: await hashPassword('socket-owner-pw') });
    const base = await listenOnLoopback(t.app);

    const anon = await fetch(`${base}/api/status`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'socket-owner-pw' }) });
    expect(login.status).toBe(204);
    const cookie = cookieFrom(login.headers.get('set-cookie') ?? undefined);
    const status = await fetch(`${base}/api/status`, { headers: { cookie } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { version: string }).version).toBe('0.1.0');

    const events = await fetch(`${base}/api/events`, { headers: { cookie } });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.headers.get('x-frame-options')).toBe('DENY');
    const reader = events.body!.getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        text += Buffer.from(value).toString('utf8');
      }
    })();
    await waitFor(() => text.includes('event: status') && t!.deps.listeners() === 1);
    const r = makeReceipt({ member: '8800246810', total: 1390 });
    t.deps.emit({ type: 'receipt', receipt: { id: r.id, time: r.time, receiptNo: r.receiptNo, till: r.till, member: r.member, kind: 'sale', itemCount: 1, total: 1390, currency: 'CNY', confidence: 0.95, itemsMatchTotal: true } });
    await waitFor(() => text.includes('event: receipt'));
    const frame = text.slice(text.indexOf('event: receipt'));
    const data = JSON.parse(/data: (.*)\n/.exec(frame)?.[1] ?? '{}') as { id: string; member: string };
    expect(data).toMatchObject({ id: r.id, member: '88******10' });
    expect(text).not.toContain('8800246810');
    // The status push repeats on the timer (statusPushMs 200 in tests).
    await waitFor(() => text.split('event: status').length >= 3);

    const metrics = await (await fetch(`${base}/metrics`, { headers: { cookie } })).text();
    expect(metrics).toContain('tillbox_web_live_clients 1');

    // Logging out ends the page's stream at the next status tick.
    await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie } });
    expect(await pump).toBe('ended');
    await waitFor(() => t!.deps.listeners() === 0);

    // A script's stream (Basic auth) lasts until the server closes, which ends it.
    const basic = `Basic ${Buffer.from('owner:socket-owner-pw').toString('base64')}`;
    const scripted = await fetch(`${base}/api/events`, { headers: { authorization: basic } });
    expect(scripted.status).toBe(200);
    const scriptedReader = scripted.body!.getReader();
    const drained = (async () => {
      for (;;) if ((await scriptedReader.read()).done) return 'ended';
    })();
    await waitFor(() => t!.deps.listeners() === 1);
    await t.app.close();
    expect(await drained).toBe('ended');
    expect(t.deps.listeners()).toBe(0);
    t = undefined;
  });
});

/**
 * Issue 17 "also measured": live streams are capped per session and in total, and login guesses
 * have a budget for all addresses together on top of the per-address one. Real HTTP on loopback;
 * the guessers connect from distinct 127.0.0.x source addresses, as the attack did.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE, LOGIN_ATTEMPTS_TOTAL_PER_MINUTE } from '../../src/web/auth/owner-auth.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { MAX_SSE_STREAMS_PER_SESSION, MAX_SSE_STREAMS_TOTAL } from '../../src/web/live.js';
import { waitFor } from '../support/tmp.js';
import { testApp, type TestApp } from './support/app.js';

const PASSWORD = 'limits-owner-pw';
let hash: string;
let t: TestApp | undefined;
const open: AbortController[] = [];
beforeAll(async () => {
  hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.abort();
  await t?.app.close();
  t = undefined;
});

async function listen(ta: TestApp): Promise<string> {
  await ta.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = ta.app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

/** POST /api/login from a chosen loopback source address. */
function loginFrom(base: string, localAddress: string, password: string): Promise<{ status: number; body: string; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ password });
    const req = httpRequest(`${base}/api/login`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens /api/events and keeps it open (until the test ends); resolves with the status and, if refused, the body. */
const responses: Response[] = [];

async function stream(base: string, cookie: string): Promise<{ status: number; body: unknown; close: () => void }> {
  const ctrl = new AbortController();
  open.push(ctrl);
  const res = await fetch(`${base}/api/events`, { headers: { cookie }, signal: ctrl.signal });
  // Hold the response: undici cancels the body of a Response that is garbage-collected unread,
  // which closes the stream and frees its place on the server in the middle of the count.
  responses.push(res);
  if (res.status !== 200) return { status: res.status, body: await res.json(), close: () => ctrl.abort() };
  return { status: 200, body: null, close: () => ctrl.abort() };
}

describe('live stream caps over real HTTP', () => {
  it(`${MAX_SSE_STREAMS_PER_SESSION} per session (429 past it), ${MAX_SSE_STREAMS_TOTAL} in total (503 past it)`, async () => {
    t = testApp({ passwordHash: hash });
    const base = await listen(t);
    const sessions: string[] = [];
    const sessionsNeeded = Math.ceil(MAX_SSE_STREAMS_TOTAL / MAX_SSE_STREAMS_PER_SESSION) + 1;
    for (let i = 0; i < sessionsNeeded; i++) {
      const r = await loginFrom(base, `127.0.0.${10 + i}`, PASSWORD);
      expect(r.status).toBe(204);
      sessions.push(r.cookie ?? '');
    }
    const first = sessions[0]!;
    const mine = [];
    for (let i = 0; i < MAX_SSE_STREAMS_PER_SESSION; i++) mine.push(await stream(base, first));
    expect(mine.map((s) => s.status)).toEqual(Array(MAX_SSE_STREAMS_PER_SESSION).fill(200));
    const extra = await stream(base, first);
    expect(extra.status).toBe(429);
    expect(extra.body).toMatchObject({ error: 'too_many_streams', scope: 'session', limit: MAX_SSE_STREAMS_PER_SESSION });
    expect(t.logs.some((l) => l.includes('live stream refused'))).toBe(true);

    // Closing one frees its place.
    mine[0]!.close();
    await waitFor(async () => {
      const again = await stream(base, first);
      if (again.status !== 200) again.close();
      return again.status === 200;
    });

    // Fill the box from the other sessions; the next stream anyone asks for is refused with 503.
    let opened = MAX_SSE_STREAMS_PER_SESSION;
    for (const cookie of sessions.slice(1)) {
      for (let i = 0; i < MAX_SSE_STREAMS_PER_SESSION && opened < MAX_SSE_STREAMS_TOTAL; i++, opened++) expect((await stream(base, cookie)).status).toBe(200);
    }
    const last = sessions[sessions.length - 1]!;
    const full = await stream(base, last);
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ error: 'too_many_streams', scope: 'total', limit: MAX_SSE_STREAMS_TOTAL });
    const metrics = await (await fetch(`${base}/metrics`, { headers: { cookie: first } })).text();
    expect(metrics).toContain(`tillbox_web_live_clients ${MAX_SSE_STREAMS_TOTAL}`);
    expect(metrics).toContain('tillbox_web_live_refused_total{scope="total"} 1');
    expect(metrics).toMatch(/tillbox_web_live_refused_total\{scope="session"\} [1-9]/);
    // Refusals are logged once a minute, not once each.
    expect(t.logs.filter((l) => l.includes('live stream refused'))).toHaveLength(1);
  });
});

describe('login budget for all addresses together', () => {
  it(`${LOGIN_ATTEMPTS_TOTAL_PER_MINUTE} guesses a minute in all, however many addresses guess`, async () => {
    t = testApp({ passwordHash: hash });
    const base = await listen(t);
    const addresses = Array.from({ length: 20 }, (_v, i) => `127.0.0.${100 + i}`);
    const statuses: number[] = [];
    const bodies: string[] = [];
    for (const a of addresses) {
      for (let i = 0; i < LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE; i++) {
        const r = await loginFrom(base, a, `guess-${a}-${i}`);
        statuses.push(r.status);
        bodies.push(r.body);
      }
    }
    const guesses = statuses.filter((s) => s === 401).length;
    expect(guesses).toBe(LOGIN_ATTEMPTS_TOTAL_PER_MINUTE); // not 20 x 5 = 100
    expect(statuses.filter((s) => s === 429)).toHaveLength(addresses.length * LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE - LOGIN_ATTEMPTS_TOTAL_PER_MINUTE);
    expect(bodies.find((b) => b.includes('"scope":"total"'))).toBeDefined();
    // One log line for the shared budget, not one per refused attempt.
    expect(t.logs.filter((l) => l.includes('attempts from all addresses'))).toHaveLength(1);
    // A fresh address is refused too while the budget is spent ...
    expect((await loginFrom(base, '127.0.0.250', PASSWORD)).status).toBe(429);
    // ... and the owner gets in once the minute has passed.
    t.clock.now += 61_000;
    expect((await loginFrom(base, '127.0.0.250', PASSWORD)).status).toBe(204);
  });
});

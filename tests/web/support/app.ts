/** Builds the web app for a test with a fake clock and a logger whose JSON lines are kept. */
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log.js';
import { buildApp, type WebOptions } from '../../../src/web/app.js';
import type { AuthOptions } from '../../../src/web/auth/owner-auth.js';
import { fakeDeps, type FakeDeps } from './fake-deps.js';

export interface TestApp {
  app: ReturnType<typeof buildApp>;
  deps: FakeDeps;
  logs: string[];
  clock: { now: number };
}

export function testApp(auth: Partial<AuthOptions> & { passwordHash?: string | undefined }, extra: Partial<WebOptions> = {}, deps: FakeDeps = fakeDeps()): TestApp {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const clock = { now: Date.parse('2026-11-23T04:00:00Z') }; // 12:00 in Shanghai
  const app = buildApp(deps, {
    logger: createLogger({ level: 'debug', destination }),
    auth: { sessionHours: 12, ...auth },
    store: { name: '好又多超市 测试店', timezone: 'Asia/Shanghai', currency: 'CNY' },
    now: () => clock.now,
    statusPushMs: 200,
    ...extra,
  });
  return { app, deps, logs, clock };
}

export function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (first === undefined) throw new Error('no set-cookie header');
  return first.split(';')[0] ?? '';
}

/** Listens on an ephemeral loopback port; returns the base URL (real HTTP for browser and socket tests). */
export async function listenOnLoopback(app: TestApp['app']): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

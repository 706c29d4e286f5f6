/**
 * The supervisor's IPC heartbeat (issue 17 item 3) with real forked children: a child whose event
 * loop stops answering is killed and restarted; one that answers is left alone; one that hangs
 * before it says it is ready gets the longer start-up grace, then the same treatment.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { Supervisor } from '../../src/daemon/supervisor.js';
import { waitFor } from '../support/tmp.js';
import { REPO } from './daemon-process.js';

const CHILD = join(REPO, 'tests/tap/fixtures/heartbeat-child.mjs');
const stops: Supervisor[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s.stop(1000);
});

function supervise(mode: 'answers' | 'hang' | 'silent', timing: { intervalMs: number; timeoutMs: number; graceMs: number }) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const s = new Supervisor({
    entry: CHILD,
    args: [mode],
    env: process.env,
    logger: createLogger({ level: 'info', destination }),
    execArgv: [],
    minBackoffMs: 50,
    heartbeatIntervalMs: timing.intervalMs,
    heartbeatTimeoutMs: timing.timeoutMs,
    startupGraceMs: timing.graceMs,
  });
  stops.push(s);
  s.start();
  return { s, lines, kills: () => lines.filter((l) => l['msg'] === 'analytics child stopped answering its heartbeat; killing it') };
}

describe('supervisor heartbeat', () => {
  it('kills and restarts a child whose event loop stops answering', async () => {
    const { s, kills } = supervise('hang', { intervalMs: 100, timeoutMs: 800, graceMs: 60_000 });
    const first = await waitFor(() => s.stats().pid ?? undefined);
    await waitFor(() => kills().length >= 1, 10_000);
    expect(kills()[0]).toMatchObject({ pid: first, ready: true, limitMs: 800 });
    await waitFor(() => (s.stats().running && s.stats().pid !== first && s.stats().restarts >= 1) || undefined, 10_000);
    expect(s.stats().heartbeatKills).toBeGreaterThanOrEqual(1);
  });

  it('leaves a child that answers alone', async () => {
    const { s, kills } = supervise('answers', { intervalMs: 100, timeoutMs: 800, graceMs: 60_000 });
    const pid = await waitFor(() => s.stats().pid ?? undefined);
    await new Promise((r) => setTimeout(r, 2500));
    expect(kills()).toHaveLength(0);
    expect(s.stats()).toMatchObject({ running: true, pid, restarts: 0, heartbeatKills: 0 });
  });

  it('gives a child that is still starting the start-up grace, then kills it too', async () => {
    const { s, kills } = supervise('silent', { intervalMs: 100, timeoutMs: 300, graceMs: 1500 });
    const pid = await waitFor(() => s.stats().pid ?? undefined);
    // Well past the ready timeout, within the grace: still running.
    await new Promise((r) => setTimeout(r, 900));
    expect(kills()).toHaveLength(0);
    await waitFor(() => kills().length >= 1, 10_000);
    expect(kills()[0]).toMatchObject({ pid, ready: false, limitMs: 1500 });
  });
});

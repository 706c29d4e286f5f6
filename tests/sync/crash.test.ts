import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStats } from '../../src/sync/sync.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { collect } from './fixtures/collector.js';

const BASE = 'tillbox/store-001/box-01';
const CHILD = join(import.meta.dirname, 'fixtures', 'box-child.ts');

interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<void>;
}

function startBox(dataDir: string, url: string, count: number): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, url, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { proc, lines, exited };
}

const last = (c: Child): Partial<SyncStats> => (c.lines.at(-1) ?? {}) as Partial<SyncStats>;

describe.skipIf(!toolAvailable(MOSQUITTO))('box process killed with SIGKILL mid-publish', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('delivers every basket exactly once after de-duplication, and the last will says offline', async () => {
    const { dir, cleanup } = tempDir('tillbox-crash-');
    const sub = await collect(broker.url, [`${BASE}/basket`, `${BASE}/status`]);
    const N = 4000;
    const children: Child[] = [];
    try {
      const first = startBox(dir, broker.url, N);
      children.push(first);
      await waitFor(() => sub.on(`${BASE}/basket`).length >= 800, 60_000, 5);
      first.proc.kill('SIGKILL');
      await first.exited;
      const firstStats = last(first);
      expect(firstStats.backlog ?? N).toBeGreaterThan(0);

      const will = await waitFor(() => sub.on(`${BASE}/status`).map((s) => JSON.parse(s) as { state: string; reason?: string }).find((s) => s.state === 'offline'), 20_000);
      expect(will).toEqual({ state: 'offline', reason: 'connection lost' });

      const second = startBox(dir, broker.url, N);
      children.push(second);
      // tsx start-up plus 4,000 idempotent enqueues can take a while on a loaded machine
      await waitFor(() => second.lines[0], 60_000);
      expect(second.lines[0]).toEqual({ started: true, queued: 0 });
      await waitFor(() => last(second).backlog === 0 && last(second).inFlight === 0, 60_000);
      second.proc.kill('SIGTERM');
      await second.exited;

      const ids = sub.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id);
      await waitFor(() => new Set(sub.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id)).size >= N, 10_000).catch(() => undefined);
      const unique = new Set(sub.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id));
      expect(unique.size).toBe(N);
      // Duplicates are allowed (at least once) but bounded by what was unconfirmed at the kill: the
      // in-flight window (100) plus PUBACKs received but not yet committed (acks are committed in
      // 25 ms batches, which stretch on a loaded machine: 227 was seen once). A resend of the whole
      // backlog would be thousands.
      expect(ids.length - unique.size).toBeLessThanOrEqual(N / 8);
      const status = sub.on(`${BASE}/status`).map((s) => JSON.parse(s) as { state: string });
      expect(status.at(-1)?.state).toBe('offline');
      expect(status.some((s) => s.state === 'online')).toBe(true);
    } finally {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await sub.close();
      cleanup();
    }
  }, 180_000);
});

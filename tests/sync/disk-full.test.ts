/**
 * Issue 17 item 6 (outbox): PUBACKs that could not be recorded on a full disk made 193 duplicate
 * baskets. Real parts: a private mosquitto, the real outbox on a tmpfs the test fills to the last
 * byte, a head-office subscriber with a persistent session counting every delivery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSync } from '../../src/sync/sync.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto } from '../support/mosquitto.js';
import { waitFor } from '../support/tmp.js';
import { mountTmpfs, tmpfsAvailable } from '../support/tmpfs.js';
import { collect } from './fixtures/collector.js';
import { quietLogger, testConfig } from './fixtures/config.js';
import { makeReceipt } from './fixtures/receipts.js';

const run = toolAvailable(MOSQUITTO) && tmpfsAvailable();
const BASE = 'tillbox/store-001/box-01';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.runIf(run)('outbox on a full disk (real tmpfs, real mosquitto)', () => {
  it('holds PUBACKs it cannot record, publishes nothing new meanwhile, resends nothing, and counts it', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.close());
    const disk = mountTmpfs('4m');
    cleanups.push(() => disk.close());
    const config = testConfig(disk.dir, broker.url);
    const outbox = openSyncOutbox(config);
    const sync = createSync({ config, logger: quietLogger(), outbox, backoff: { minMs: 50, maxMs: 200 }, drain: { window: 10, ackFlushMs: 5 } });
    cleanups.push(() => outbox.close(), () => sync.stop());
    const N = 60;
    expect(sync.enqueueReceipts(Array.from({ length: N }, (_, i) => makeReceipt(i)))).toMatchObject({ queued: N });
    const headOffice = await collect(broker.url, [`${BASE}/basket`], `ho-${Date.now()}`);
    cleanups.push(() => headOffice.close());

    disk.fill();
    await sync.start();
    // The first window is published and acknowledged; recording the acks fails; nothing more goes out.
    await waitFor(() => sync.stats().ackFault !== null || undefined, 10_000, 20);
    await new Promise((r) => setTimeout(r, 1500));
    const held = sync.stats();
    expect(held.ackFault).toMatchObject({ reason: 'disk_full' });
    expect(held.acksUnrecorded).toBeGreaterThan(0);
    expect(held.acksUnrecorded).toBeLessThanOrEqual(20); // bounded: a window recorded at once, a window in flight
    expect(held.ackRecordFailures).toBeGreaterThanOrEqual(1);
    expect(headOffice.on(`${BASE}/basket`).length).toBeLessThanOrEqual(20);

    // The broker restarts: the new connection must not send the acknowledged baskets again.
    await broker.restart();
    await waitFor(() => (sync.stats().connects >= 2 && sync.stats().connected) || undefined, 15_000, 20);
    await new Promise((r) => setTimeout(r, 1000));
    const ids = (): string[] => headOffice.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id);
    expect(ids().length).toBe(new Set(ids()).size);

    // Space returns: acks are recorded, the rest goes out, every basket exactly once.
    disk.free();
    await waitFor(() => (sync.stats().backlog === 0 && ids().length >= N) || undefined, 20_000, 20);
    expect(ids().length).toBe(N);
    expect(new Set(ids()).size).toBe(N);
    expect(sync.stats()).toMatchObject({ ackFault: null, acksUnrecorded: 0 });
  }, 60_000);
});

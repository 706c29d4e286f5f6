/**
 * The short soak (bench/soak): 500 demo receipts at 115200 baud through the real `tillbox run`
 * between socat ptys, with every fault of a shop's day at least once (kill -9 of the tap and of the
 * analytics child, printer and till cables pulled, the broker down, the data disk full, the wall
 * clock stepped back an hour and forward a day, the analytics child stopped), then the invariants:
 * no byte altered, no receipt lost or counted twice, every basket at head office once after
 * dedupe, databases intact, and the page naming each fault while it lasted.
 * Needs root (tmpfs), socat, mosquitto and libfaketime; CI installs them (.ci/run).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run.js';
import { FAKETIME_LIB } from '../../bench/soak/rig.js';
import { MOSQUITTO } from '../support/mosquitto.js';
import { SOCAT } from '../support/socat.js';

const required = process.env['TBX_TEST_REQUIRE_REAL'] === '1';
const haveParts = existsSync(SOCAT) && existsSync(MOSQUITTO) && existsSync(FAKETIME_LIB) && process.getuid?.() === 0;

describe('short soak: a trading day under faults', () => {
  it('has its real parts (root for the tmpfs, socat, mosquitto, libfaketime)', () => {
    if (required) expect(haveParts).toBe(true);
  });

  it.runIf(haveParts)('keeps every invariant through every fault', async () => {
    const r = await runSoak({ receipts: 500, baud: 115200, seed: 7, kills: 1, short: true, gapMs: 0, log: () => undefined });
    const summary = JSON.stringify({ receipts: r.receipts, baskets: r.baskets, faults: r.faults.map((f) => [f.kind, f.named, f.pageShowed]) });
    expect(r.faultsNotRun.map((f) => f.kind)).toEqual(['slow-disk']);
    expect(new Set(r.faults.map((f) => f.kind)).size, summary).toBe(9);
    expect(r.bytesAltered, summary).toBe(0);
    expect(r.bytesSent, summary).toBeGreaterThan(300_000);
    expect(r.receipts.lost, summary).toEqual([]);
    expect(r.receipts.countedTwice, summary).toEqual([]);
    // The whole journal reached the ledger: every receipt printed while the tap was up is whole there.
    expect(r.receipts.journaled, summary).toBeGreaterThan(450);
    expect(r.baskets.missing, summary).toBe(0);
    expect(r.baskets.unexpected, summary).toBe(0);
    expect(r.integrity, summary).toEqual({ journal: 'ok', ledger: 'ok', outbox: 'ok' });
    for (const f of r.faults) expect(f.named, `${f.kind} not shown on the page: ${summary}`).toBe(true);
  }, 300_000);
});

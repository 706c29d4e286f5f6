/**
 * The short soak (bench/soak): 500 demo receipts at 115200 baud through the real `tillbox run`
 * between socat ptys, with every fault of a shop's day at least once (kill -9 of the tap and of the
 * analytics child, printer and till cables pulled, the broker down, the data disk full, the wall
 * clock stepped back an hour and forward a day, the analytics child stopped), then the invariants:
 * no byte altered, no receipt lost or counted twice, every basket at head office once after
 * dedupe, databases intact, and the page naming each fault while it lasted.
 * A shorter TCP 9100 run follows: the till prints each receipt as a job to the tap's pos.listen,
 * the printer a listener the harness switches off and on, with the faults that differ over TCP.
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
    const r = await runSoak({ receipts: 500, baud: 115200, tcp: false, seed: 7, kills: 1, short: true, gapMs: 0, log: () => undefined });
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

  it.runIf(haveParts)('over TCP 9100: the same invariants through a tap kill -9, the printer switched off, a dropped POS connection and a child kill', async () => {
    // 200 receipts with a pause between them (a till is not printing back to back), so every
    // fault strikes while jobs are being printed.
    const r = await runSoak({ receipts: 200, baud: 115200, tcp: true, seed: 11, kills: 1, short: true, gapMs: 150, faults: ['tap-kill9', 'analytics-kill9', 'printer-loss', 'pos-loss'], log: () => undefined });
    const summary = JSON.stringify({ bytes: [r.bytesSent, r.bytesPrinted, r.bytesAltered], receipts: r.receipts, baskets: r.baskets, faults: r.faults.map((f) => [f.kind, f.named, f.pageShowed]) });
    expect(r.faults.map((f) => f.kind).sort(), summary).toEqual(['analytics-kill9', 'pos-loss', 'printer-loss', 'tap-kill9']);
    expect(r.bytesAltered, summary).toBe(0);
    expect(r.bytesSent, summary).toBeGreaterThan(100_000);
    // One job at a time: receipts reach the printer whole, not interleaved; a fault may cut the one it strikes.
    expect(r.receipts.intactAtPrinter, summary).toBeGreaterThanOrEqual(r.receipts.printed - r.faults.length);
    expect(r.receipts.lost, summary).toEqual([]);
    expect(r.receipts.countedTwice, summary).toEqual([]);
    expect(r.receipts.journaled, summary).toBeGreaterThan(180);
    expect(r.baskets.missing, summary).toBe(0);
    expect(r.baskets.unexpected, summary).toBe(0);
    expect(r.integrity, summary).toEqual({ journal: 'ok', ledger: 'ok', outbox: 'ok' });
    for (const f of r.faults) expect(f.named, `${f.kind} not shown on the page: ${summary}`).toBe(true);
  }, 240_000);
});

/**
 * What the alert list is built from: the printer's answers to DLE EOT (paper out, cover open,
 * near end), runs of POS bytes the printer did not get in a real journal file, and the alert
 * judgement itself (only what needs the owner; head office after an hour, not before).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWatch } from '../../src/daemon/journal-watch.js';
import { PrinterStatusReader } from '../../src/escpos/status-reply.js';
import { openJournalReader } from '../../src/journal/reader.js';
import { JournalStore } from '../../src/journal/store.js';
import { judgeAlerts } from '../../src/web/alerts.js';
import { judgeHealth } from '../../src/web/health.js';
import { tempDir } from '../support/tmp.js';
import { makeStatus } from './support/fake-deps.js';

const b = (...xs: number[]) => Uint8Array.from(xs);
const AT = Date.parse('2026-11-23T04:00:00Z');

describe('printer status replies (DLE EOT n)', () => {
  it('reads paper out from the roll sensor answer, and back to ok after a new roll', () => {
    const r = new PrinterStatusReader();
    expect(r.state()).toBeNull();
    r.feed('pos>printer', b(0x1b, 0x40, 0x10, 0x04, 0x04), AT);
    r.feed('printer>pos', b(0x72), AT + 5); // 0111 0010: fixed bits + bits 5-6 paper end
    expect(r.state()).toEqual({ state: 'paper_out', at: new Date(AT + 5).toISOString() });
    r.feed('pos>printer', b(0x10, 0x04, 0x04), AT + 60_000);
    r.feed('printer>pos', b(0x12), AT + 60_005);
    expect(r.state()?.state).toBe('ok');
  });

  it('reads cover open from the offline-cause answer, with the question split across chunks', () => {
    const r = new PrinterStatusReader();
    r.feed('pos>printer', b(0x41, 0x10), AT);
    r.feed('pos>printer', b(0x04), AT);
    r.feed('pos>printer', b(0x02, 0x42), AT);
    r.feed('printer>pos', b(0x16), AT + 3); // bit 2: cover open
    expect(r.state()?.state).toBe('cover_open');
  });

  it('ignores printer bytes nobody asked for and bytes without the fixed bits', () => {
    const r = new PrinterStatusReader();
    r.feed('printer>pos', b(0x72), AT); // unasked
    expect(r.state()).toBeNull();
    r.feed('pos>printer', b(0x10, 0x04, 0x04), AT);
    r.feed('printer>pos', b(0x11, 0xff, 0x1e), AT); // XON, garbage, then 0001 1110: near end
    expect(r.state()?.state).toBe('paper_near_end');
  });
});

describe('JournalWatch over a real journal file', () => {
  const tmp = tempDir();

  it('finds runs of POS bytes journaled while the printer was down, and keeps reading new rows', () => {
    const path = join(tmp.dir, 'journal.db');
    const store = new JournalStore(path);
    const row = (dir: 'pos>printer' | 'printer>pos', delivered: boolean, wallTime: number, ...bytes: number[]) => ({ dir, delivered, wallTime, mono: wallTime * 1000, bytes: b(...bytes) });
    store.append([row('pos>printer', true, AT, 0x41), row('pos>printer', false, AT + 1, 0x42), row('printer>pos', true, AT + 2, 0x12), row('pos>printer', false, AT + 3, 0x43), row('pos>printer', true, AT + 4, 0x44)], 'boot', true);
    const reader = openJournalReader(path);
    const watch = new JournalWatch(reader, AT + 10);
    watch.poll();
    expect(watch.runs).toEqual([{ from: 2, to: 4, wallMs: AT + 1 }]);
    store.append([row('pos>printer', false, AT + 20, 0x45), row('pos>printer', true, AT + 21, 0x10, 0x04, 0x04), row('printer>pos', true, AT + 22, 0x72)], 'boot', true);
    watch.poll();
    expect(watch.runs).toEqual([{ from: 2, to: 4, wallMs: AT + 1 }, { from: 6, to: 6, wallMs: AT + 20 }]);
    expect(watch.printerPaper()?.state).toBe('paper_out');
    reader.close();
    tmp.cleanup();
  });
});

describe('judgeAlerts', () => {
  it('is empty when all is well', () => {
    const s = makeStatus();
    expect(judgeAlerts(s, judgeHealth(s, AT), AT)).toEqual([]);
  });

  it('names unprinted receipts, paper out, failures today, a full disk and an unsynced clock, each once', () => {
    const s = makeStatus({
      notPrinted: [{ id: 'r1', receiptNo: '0001', time: '2026-11-23T11:48:00+08:00' }],
      printerPaper: { state: 'paper_out', at: new Date(AT).toISOString() },
      parseFailedToday: 2,
      disk: { freeBytes: 10 * 1024 * 1024, totalBytes: 16 * 1024 ** 3 },
      clock: { synced: false, reason: 'not synchronised yet' },
    });
    expect(judgeAlerts(s, judgeHealth(s, AT), AT).map((a) => [a.code, a.level, a.n])).toEqual([
      ['not_printed', 'bad', 1], ['paper_out', 'bad', undefined], ['parse_failed', 'warn', 2], ['disk', 'bad', undefined], ['clock', 'bad', undefined],
    ]);
  });

  it('speaks of head office only after an hour away', () => {
    const down = (ms: number) => makeStatus({ broker: { state: 'disconnected', lastAckAt: null, downSince: new Date(AT - ms).toISOString() } });
    expect(judgeAlerts(down(59 * 60_000), judgeHealth(down(59 * 60_000), AT), AT)).toEqual([]);
    const s = down(3 * 3_600_000 + 5);
    expect(judgeAlerts(s, judgeHealth(s, AT), AT)).toEqual([{ code: 'broker_unreachable', level: 'warn', since: s.broker.downSince, n: 3 }]);
  });
});

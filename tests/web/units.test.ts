/** Pure parts of the web module: masking, password hashes, health judgement, the passwd command. */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run as passwd } from '../../src/commands/passwd.js';
import { isTillboxError } from '../../src/errors.js';
import { hashPassword, isPasswordHash, verifyPassword } from '../../src/web/auth/password.js';
import { judgeHealth } from '../../src/web/health.js';
import { maskMember, maskText } from '../../src/web/mask.js';
import type { TapStatsMessage } from '../../src/daemon/messages.js';
import { statusSnapshot, TAP_STALE_MS } from '../../src/web/status-from-tap.js';
import { localDay, localMonth } from '../../src/web/time.js';
import { makeStatus } from './support/fake-deps.js';

describe('maskMember / maskText', () => {
  it('keeps two characters each end', () => {
    expect(maskMember('8800123456')).toBe('88******56');
    expect(maskMember('13812345678')).toBe('13*******78');
    expect(maskMember('12345')).toBe('12*45');
    expect(maskMember('1234')).toBe('****');
    expect(maskMember(null)).toBeNull();
  });

  it('masks known ids, labelled numbers and bare mobile numbers, not product codes', () => {
    const text = ['会员卡号: 8800123456', '手机 138-1234-5678', 'Member No. 5512 3456 78', '光明酸奶 6901209205421 5.80', '客服 13900001111', '单号 0002-1234'].join('\n');
    const out = maskText(text, ['8800123456']);
    expect(out).toContain('会员卡号: 88******56');
    expect(out).toContain('手机 13*-****-**78');
    expect(out).toContain('Member No. 55** **** 78');
    expect(out).toContain('6901209205421');
    expect(out).toContain('13*******11');
    expect(out).toContain('单号 0002-1234');
    expect(out).not.toMatch(/8800123456|13812345678|13900001111/);
  });
});

describe('password hashes', () => {
  it('verify the right password only, and reject malformed or greedy hashes', async () => {
    const hash = await hashPassword('correct horse');
    expect(isPasswordHash(hash)).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash); // salted
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(isPasswordHash(hash.replace('$16384$', '$16383$'))).toBe(false); // N must be a power of two
    expect(isPasswordHash(hash.replace('$16384$', `$${2 ** 24}$`))).toBe(false); // would need GiBs
  });
});

describe('judgeHealth', () => {
  const now = Date.parse('2026-11-23T04:00:00Z');
  it('is green when all is well, red with a reason when not', () => {
    const ok = judgeHealth(makeStatus(), now);
    expect(Object.values(ok).map((l) => l.level)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const bad = judgeHealth(
      makeStatus({
        links: { pos: { state: 'down', reason: 'EIO' }, printer: { state: 'unknown' } },
        broker: { state: 'disconnected', reason: 'ECONNREFUSED', lastAckAt: null },
        disk: { freeBytes: 50 * 1024 * 1024, totalBytes: 8 * 1024 ** 3 },
        clock: { synced: false, reason: 'not synchronised yet' },
      }),
      now,
    );
    expect(bad.pos).toEqual({ level: 'bad', reason: 'link_down', detail: 'EIO' });
    expect(bad.printer.level).toBe('warn');
    expect(bad.broker).toEqual({ level: 'bad', reason: 'broker_down', detail: 'ECONNREFUSED' });
    expect(bad.disk).toEqual({ level: 'bad', reason: 'disk_low', detail: '50 MiB' });
    expect(bad.clock.reason).toBe('clock_unsynced');
    expect(judgeHealth(makeStatus(), Date.parse('1970-01-01T00:05:00Z')).clock.reason).toBe('clock_wrong');
    const stale = judgeHealth(makeStatus({ outboxBacklog: 40, broker: { state: 'connected', lastAckAt: '2026-11-23T03:00:00Z' } }), now);
    expect(stale.broker).toEqual({ level: 'warn', reason: 'ack_stale', detail: '40' });
    expect(judgeHealth(makeStatus({ broker: { state: 'disabled', lastAckAt: null } }), now).broker.reason).toBe('broker_disabled');
  });

  it('computes today in the store time zone', () => {
    expect(localDay(Date.parse('2026-11-23T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(localMonth(Date.parse('2026-11-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-12');
  });
});

describe('tillbox passwd', () => {
  const io = (input: string) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    return { io: { stdin: Readable.from([Buffer.from(input)]), stdout, stderr, env: {}, cwd: '/' }, out: () => out };
  };

  it('prints one verifiable hash for the first line of stdin', async () => {
    const x = io('my shop password\n');
    expect(await passwd([], x.io)).toBe(0);
    const lines = x.out().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(await verifyPassword('my shop password', lines[0] ?? '')).toBe(true);
  });

  it('refuses a short password with TBX_INPUT_INVALID (exit 2)', async () => {
    const x = io('abc\n');
    await expect(passwd([], x.io)).rejects.toSatisfy((e: unknown) => isTillboxError(e, 'TBX_INPUT_INVALID'));
    await expect(passwd(['--bogus'], io('long enough password').io)).rejects.toSatisfy((e: unknown) => isTillboxError(e, 'TBX_USAGE'));
  });
});

describe('statusSnapshot from the tap figures', () => {
  const tapMsg = (over: Partial<TapStatsMessage> = {}): TapStatsMessage => ({
    type: 'tap-stats',
    at: 1_000_000,
    uptimeMs: 125_400,
    journalPath: '/var/lib/tillbox/journal.db',
    links: {
      pos: { kind: 'serial', address: '/dev/tillbox-pos', up: true, bytesIn: 5000, chunksIn: 40, losses: 0, lastError: null },
      printer: { kind: 'serial', address: '/dev/tillbox-printer', up: false, bytesIn: 12, chunksIn: 3, losses: 1, lastError: 'EIO: i/o error, read' },
    },
    bytes: { posToPrinter: 4900, printerToPos: 12 },
    droppedWhilePrinterDown: { chunks: 2, bytes: 100 },
    droppedWhilePosDown: { chunks: 0, bytes: 0 },
    sessions: 0,
    journal: { posted: 43, committed: 43, dropped: 0, droppedBytes: 0, stalled: null, stallsRecovered: 0, lagChunks: 0, lagMs: 0, lastSeq: 43, workerRestarts: 0, writerUp: true },
    rssBytes: 50_000_000,
    ...over,
  });
  const parts = (tap: TapStatsMessage | null, nowMs = 1_002_000) => ({
    version: '0.1.0',
    nowMs,
    tap,
    processUptimeSeconds: 3.2,
    receiptsToday: 7,
    parse: { ok: 7, failed: 1 },
    journalBacklogBytes: 0,
    outboxBacklog: 3,
    broker: { state: 'disabled' as const, lastAckAt: null },
    dropped: { outboxExpired: 1 },
    clock: { synced: true },
    disk: null,
  });

  it('maps link states, bytes, uptime and drop counters', () => {
    const s = statusSnapshot(parts(tapMsg()));
    expect(s.links.pos).toEqual({ state: 'up' });
    expect(s.links.printer).toEqual({ state: 'down', reason: 'EIO: i/o error, read' });
    expect(s.bytes).toEqual({ posToPrinter: 4900, printerToPos: 12 });
    expect(s.uptimeSeconds).toBe(125);
    expect(s.dropped).toEqual({ chunksWhilePrinterDown: 2, chunksWhilePosDown: 0, journalChunks: 0, journalBytes: 0, outboxExpired: 1 });
  });

  it('shows links as unknown before the first tap message and when the tap falls silent', () => {
    expect(statusSnapshot(parts(null)).links.pos).toEqual({ state: 'unknown', reason: 'no figures from the tap yet' });
    expect(statusSnapshot(parts(null)).uptimeSeconds).toBe(3);
    expect(statusSnapshot(parts(tapMsg(), 1_000_000 + TAP_STALE_MS + 3000)).links.printer).toEqual({ state: 'unknown', reason: 'tap silent for 8 s' });
  });
});

/**
 * `tillbox logs`: pino JSON lines to readable lines, level filter, member ids and phone numbers
 * masked whether they sit in a key, a nested object or the message text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLogLine, LEVELS } from '../../src/log-format.js';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const line = (o: Record<string, unknown>): string => JSON.stringify({ time: Date.UTC(2026, 11, 3, 1, 2, 3, 456), pid: 1, hostname: 'box', app: 'tillbox', ...o });

describe('log lines for people', () => {
  it('formats time, level, module and fields; masks member ids and phones everywhere', () => {
    const out = formatLogLine(line({ level: 40, module: 'ledger', msg: 'receipt for 会员: 8800123456 flagged', member: '8800765432', detail: { phone: '13812345678' }, seq: 7 }));
    expect(out).toBe('2026-12-03 01:02:03.456 WARN  [ledger] receipt for 会员: 88******56 flagged  member=88******32 detail={"phone":"13*******78"} seq=7');
    expect(formatLogLine(line({ level: 30, msg: 'call 13912345678 back' }))).toContain('13*******78');
    for (const m of ['8800123456', '8800765432', '13812345678']) expect(out).not.toContain(m);
  });

  it('filters by level, shows errors with their stack, keeps non-JSON lines (masked)', () => {
    expect(formatLogLine(line({ level: 30, msg: 'hello' }), LEVELS.warn)).toBeNull();
    const err = formatLogLine(line({ level: 50, process: 'analytics', module: 'sync', msg: 'publish failed', err: { type: 'Error', message: 'boom', code: 'ECONNREFUSED', stack: 'Error: boom\n    at x (a.js:1:1)' } }), LEVELS.warn);
    expect(err).toContain('ERROR [analytics/sync] publish failed  err="Error: boom [ECONNREFUSED]"\n    at x (a.js:1:1)');
    expect(formatLogLine('TypeError: crash for member 8800123456', LEVELS.error)).toBe('TypeError: crash for member 88******56');
    expect(formatLogLine('')).toBeNull();
  });

  it('tillbox logs --file --level warn prints the warnings of a log file', async () => {
    const t = tempDir('tbx-logs-');
    try {
      const file = join(t.dir, 'tillbox.log');
      writeFileSync(file, `${[line({ level: 30, msg: 'started' }), line({ level: 40, msg: 'printer gone', member: '8800123456' }), line({ level: 50, msg: 'disk full' })].join('\n')}\n`);
      const r = await tillbox(['logs', '--file', file, '--level', 'warn']);
      expect(r.code, r.err).toBe(0);
      expect(r.out.trim().split('\n')).toEqual([expect.stringContaining('WARN  printer gone  member=88******56'), expect.stringContaining('ERROR disk full')]);
      expect((await tillbox(['logs', '--file', file, '--level', 'loud'])).code).toBe(2);
      expect((await tillbox(['logs', '--file', join(t.dir, 'none.log')])).code).toBe(2);
      expect((await tillbox(['logs', '--file', file, '-n', '1'])).out).toContain('disk full');
    } finally {
      t.cleanup();
    }
  });
});

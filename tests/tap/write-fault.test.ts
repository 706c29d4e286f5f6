import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FAULT_LOG_EVERY_MS, FaultLog, isDiskFull } from '../../src/io/write-fault.js';
import { createLogger } from '../../src/log.js';

/** pino writing real JSON lines into an array (no mock of the logger). */
function capture(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('write faults are a state, logged once a minute (issue 17 item 6)', () => {
  it('a failure retried every 200 ms for 5 minutes gives 1 line with the error, 4 summaries and 1 recovery line', () => {
    const { lines, logger } = capture();
    let t = 0;
    const f = new FaultLog(logger, 'journal', () => t);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    for (; t < 5 * 60_000; t += 200) f.fail(full);
    expect(f.current).toMatchObject({ reason: 'disk_full', code: 'SQLITE_FULL', since: 0, failures: 1500, io: true });
    f.ok();
    expect(f.current).toBeNull();
    expect(lines.map((l) => l['msg'])).toEqual([
      'journal: write failed; keeping the data and retrying (logged once a minute while it lasts)',
      ...Array<string>(4).fill('journal: still cannot write'),
      'journal: writing again',
    ]);
    // The stack trace only once.
    expect(lines.filter((l) => JSON.stringify(l).includes('"stack"'))).toHaveLength(1);
    expect(FAULT_LOG_EVERY_MS).toBe(60_000);
  });

  it('knows a full disk by code, through causes', () => {
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFull(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'SQLITE_FULL' }) }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isDiskFull('disk is full')).toBe(false);
  });
});

/**
 * Issue 14 item 3: the byte path first on a busy box. The real daemon between socat ptys: the tap's
 * main thread (the byte path) keeps nice 0, its journal writer thread runs at tap.journalNice, and
 * every thread of the analytics child at tap.analyticsNice, also after the child was killed and
 * restarted. Read from /proc/PID/task/TID/stat (field 19), as the kernel schedules them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { toolAvailable } from '../support/corpus.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, writeConfig } from './daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** tid → niceness of every thread of pid (field 19 of stat, counted after the comm's closing paren). */
function niceness(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[19 - 3]));
    } catch {
      // thread gone
    }
  }
  return out;
}

async function start(tap: Record<string, number>) {
  const t = tempDir('tbx-nice-');
  cleanups.push(t.cleanup);
  const pos = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
  const prn = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
  cleanups.push(() => pos.kill(), () => prn.kill());
  const config = writeConfig(t.dir, { pos: { path: pos.b, baudRate: 115200 }, printer: { path: prn.a, baudRate: 115200 }, tap });
  const daemon = DaemonProcess.run(config);
  cleanups.push(async () => void (await daemon.stop()));
  await daemon.waitMsg('tap ready');
  /** The pid of the n-th analytics child to say it is ready. */
  const childPid = async (n: number): Promise<number> =>
    Number((await waitFor(() => daemon.logs.filter((l) => l.msg === 'analytics child ready')[n - 1], 30_000))['pid']);
  return { daemon, pos, prn, childPid };
}

describe.skipIf(!toolAvailable(SOCAT) || process.platform !== 'linux')('thread priorities of the real daemon', () => {
  it('runs the analytics child and the journal writer thread at their configured niceness, the byte path at 0', async () => {
    const r = await start({ analyticsNice: 13, journalNice: 7 });
    const tapPid = r.daemon.proc.pid!;
    const child = await r.childPid(1);

    // Forwarding and journaling work at these priorities.
    const posEnd = await openEnd(r.pos.a);
    const printerEnd = await openEnd(r.prn.b);
    cleanups.push(() => closeEnd(posEnd), () => closeEnd(printerEnd));
    const got = collect(printerEnd);
    posEnd.write(Buffer.from('priority test\n'));
    await waitFor(() => got.bytes().length >= 14 || undefined, 5000);
    expect(got.bytes().toString()).toBe('priority test\n');

    const tapThreads = niceness(tapPid);
    expect(tapThreads.get(tapPid)).toBe(0); // the main thread: the byte path
    const values = [...tapThreads.values()];
    expect(values.filter((n) => n === 7)).toHaveLength(1); // the journal writer, and only it
    expect(values.filter((n) => n !== 0 && n !== 7)).toEqual([]);

    const childThreads = [...niceness(child).values()];
    expect(childThreads.length).toBeGreaterThan(3);
    expect(childThreads.every((n) => n === 13)).toBe(true);

    // A restarted child gets the same treatment.
    process.kill(child, 'SIGKILL');
    const next = await r.childPid(2);
    expect(next).not.toBe(child);
    expect([...niceness(next).values()].every((n) => n === 13)).toBe(true);
  }, 60_000);

  it('leaves every thread at 0 when both keys are 0', async () => {
    const r = await start({ analyticsNice: 0, journalNice: 0 });
    const child = await r.childPid(1);
    expect([...niceness(r.daemon.proc.pid!).values()].every((n) => n === 0)).toBe(true);
    expect([...niceness(child).values()].every((n) => n === 0)).toBe(true);
  }, 60_000);
});

/**
 * A restarted tap forwards before its journal is open (issue 14: after a kill -9, printing resumed
 * 3-5 s later, a few hundred ms of it waiting for the journal writer thread to start). The ports
 * open while the writer starts; what passes meanwhile waits in the writer's queue and is journaled
 * once the journal opens. The writer here is the real one, held back until the test lets it go.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournalReader } from '../../src/journal/reader.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, REPO, writeConfig } from './daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!toolAvailable(SOCAT))('tap start-up order', () => {
  it('forwards while the journal is still opening, and journals those bytes once it is open', async () => {
    const t = tempDir('tbx-start-');
    cleanups.push(t.cleanup);
    const posPair = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
    const prnPair = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
    cleanups.push(() => posPair.kill(), () => prnPair.kill());
    const config = writeConfig(t.dir, { pos: { path: posPair.b }, printer: { path: prnPair.a } });
    const journal = join(t.dir, 'data', 'journal.db');
    const fixtures = join(REPO, 'tests/tap/fixtures');
    const daemon = new DaemonProcess([join(fixtures, 'run-daemon.mjs'), config, join(fixtures, 'stats-child.mjs'), join(fixtures, 'late-writer-worker.mjs')]);
    cleanups.push(async () => void (await daemon.stop()));
    await waitFor(() => daemon.logs.filter((l) => l.msg === 'port open').length === 2 || undefined, 15_000);
    const pos = await openEnd(posPair.a);
    const printer = await openEnd(prnPair.b);
    cleanups.push(() => closeEnd(pos), () => closeEnd(printer));
    const atPrinter = collect(printer);
    const job = Buffer.from('\x1b@printed while the journal opens\n\x1dV\x00');
    pos.write(job);
    await waitFor(() => atPrinter.bytes().equals(job) || undefined, 10_000);
    expect(daemon.count('journal open')).toBe(0);
    expect(daemon.count('tap ready')).toBe(0);

    writeFileSync(`${journal}.go`, '');
    await daemon.waitMsg('tap ready', 15_000);
    expect((await daemon.stop()).code).toBe(0);
    const reader = openJournalReader(journal);
    const rows = reader.read('t', 0, 100);
    reader.close();
    expect(Buffer.concat(rows.filter((r) => r.dir === 'pos>printer').map((r) => r.bytes)).equals(job)).toBe(true);
    expect(rows.every((r) => r.delivered)).toBe(true);
  }, 60_000);
});

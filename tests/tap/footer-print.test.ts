/**
 * `tillbox footer --print` against a real daemon over real ptys: the block reaches the printer
 * only between POS jobs, exactly as sent, journaled as the box's own; while the till prints it is
 * refused and the printer gets the POS's bytes unchanged.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAll, renderText } from '../../src/escpos/index.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { openJournalReader } from '../../src/journal/reader.js';
import { toolAvailable } from '../support/corpus.js';
import { tillbox } from '../support/cli.js';
import { collect, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { ptyDaemon, writeConfig } from './daemon-process.js';
import { demoDay, insertionsOf } from './footer-diff.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig() {
  const t = tempDir('tbx-fprint-');
  cleanups.push(t.cleanup);
  const { config, daemon, pos: posEnd, printer } = await ptyDaemon(t.dir, cleanups, { footer: { enabled: true, maxHoldMs: 1000 } });
  return { dir: t.dir, config, daemon, pos: posEnd, atPrinter: collect(printer), journal: join(t.dir, 'data', 'journal.db') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tillbox footer --print without a daemon', () => {
  it('says the daemon cannot be reached (exit 1); bad --idle-ms is bad usage (exit 2)', async () => {
    const t = tempDir('tbx-fprint-none-');
    cleanups.push(t.cleanup);
    const config = writeConfig(t.dir, {});
    const r = await tillbox(['footer', '--print', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/control\.sock.*is tillbox running with this config\?.*TBX_DAEMON_UNREACHABLE/s);
    const bad = await tillbox(['footer', '--print', '--idle-ms', 'soon', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--idle-ms/);
  });
});

describe.skipIf(!haveSocat)('tillbox footer --print', () => {
  it('between jobs: the printer gets exactly the block, which decodes to the test text; journaled as the box\'s', async () => {
    const r = await rig();
    // Before the till has printed anything the printer's state is unknown: refused.
    const early = await tillbox(['footer', '--print', '--idle-ms', '0', '--config', r.config]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/not printed: no receipt seen since the box started/);
    expect(r.atPrinter.bytes().length).toBe(0);

    const receipt = encodeReceiptText(demoDay(1)[0]!.lines);
    r.pos.write(receipt);
    await waitFor(() => r.atPrinter.bytes().length >= receipt.length, 10_000);
    await sleep(400);
    const before = r.atPrinter.bytes().length;
    insertionsOf(receipt, r.atPrinter.bytes()); // the receipt itself: unchanged but for a footer before its cut

    const res = await tillbox(['footer', '--print', '--idle-ms', '200', '--config', r.config]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    // notifications.language is zh by default, and the demo till prints in double-byte mode.
    expect(res.out).toMatch(/^printed (\d+) bytes between POS jobs:\ntillbox 测试打印\n/);
    const n = Number(/^printed (\d+)/.exec(res.out)![1]);
    await waitFor(() => r.atPrinter.bytes().length >= before + n, 5000);
    await sleep(200);
    const block = r.atPrinter.bytes().subarray(before);
    expect(block.length).toBe(n);
    // Decoded with the project's decoder together with the receipt it followed (whose state it prints in).
    const docs = decodeAll(r.atPrinter.bytes(), { encoding: 'gb18030' });
    expect(renderText(docs.at(-1)!)).toContain('tillbox 测试打印');
    expect(block.includes(Buffer.from([0x1b, 0x40]))).toBe(false);

    expect((await r.daemon.stop()).code).toBe(0);
    const reader = openJournalReader(r.journal);
    const rows = reader.readAfter(0, 100_000);
    reader.close();
    const box = rows.filter((c) => c.dir === 'box>printer');
    expect(box.at(-1)!.bytes.equals(block)).toBe(true);
    expect(Buffer.concat(rows.filter((c) => c.dir === 'pos>printer').map((c) => c.bytes)).equals(receipt)).toBe(true);
  }, 60_000);

  it('while the till prints: refused, and the printer gets the POS\'s bytes unchanged', async () => {
    const r = await rig();
    const first = encodeReceiptText(demoDay(1)[0]!.lines);
    r.pos.write(first);
    await waitFor(() => r.atPrinter.bytes().length >= first.length, 10_000);
    await sleep(300);
    r.atPrinter.reset();
    // A slow job: a line every 40 ms for about two seconds, no cut until the end.
    const lines = Array.from({ length: 50 }, (_, i) => Buffer.from(`LINE ${i} ........................ 1.00\n`, 'latin1'));
    let printing = true;
    const job = (async () => {
      for (const l of lines) {
        r.pos.write(l);
        await sleep(40);
      }
      printing = false;
    })();
    await sleep(200);
    const tries: { code: number; err: string }[] = [];
    while (printing) {
      tries.push(await tillbox(['footer', '--print', '--idle-ms', '500', '--config', r.config]));
      await sleep(100);
    }
    await job;
    const input = Buffer.concat(lines);
    await waitFor(() => r.atPrinter.bytes().length >= input.length, 5000);
    await sleep(300);
    expect(tries.length).toBeGreaterThan(2);
    for (const t of tries) {
      expect(t.code).toBe(1);
      expect(t.err).toMatch(/not printed: the POS sent bytes \d+ ms ago/);
    }
    expect(r.atPrinter.bytes().equals(input)).toBe(true);
  }, 60_000);
});

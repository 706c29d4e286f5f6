/**
 * A printer without a cutter (footer.noCutter) over real ptys with the real daemon: receipts end
 * with a run of line feeds; a sale's block goes in just before the feed that completes the run,
 * the rest of the stream byte-identical; receipts sent back to back (no quiet after the run) and
 * non-sales pass unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/index.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { CutScanner } from '../../src/tap/cut-scanner.js';
import { toolAvailable } from '../support/corpus.js';
import { collect, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { ptyDaemon } from './daemon-process.js';
import { demoDay } from './footer-diff.js';

const haveSocat = toolAvailable(SOCAT);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const FEEDS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A demo receipt as a till without a cutter sends it: no cut, a tear-off of five line feeds. */
function noCut(lines: string[]): Buffer {
  const b = encodeReceiptText(lines);
  const cut = new CutScanner().feed(b).find((m) => m.kind === 'cut');
  return Buffer.concat([cut === undefined ? b : b.subarray(0, cut.start), Buffer.from('\n\n\n\n\n')]);
}

/** `output` is `input` with whole blocks inserted only at tear-off marks; returns the blocks by mark index. */
function blocksAtTearOffs(input: Buffer, output: Buffer): Map<number, Buffer> {
  const marks = new CutScanner(FEEDS).feed(input).filter((m) => m.kind === 'end');
  const blocks = new Map<number, Buffer>();
  let i = 0;
  let o = 0;
  marks.forEach((m, n) => {
    expect(output.subarray(o, o + m.start - i).equals(input.subarray(i, m.start)), `bytes before tear-off ${n}`).toBe(true);
    o += m.start - i;
    i = m.start;
    // What follows in the output: the input's next bytes, or a block and then them.
    const rest = input.subarray(i, i + 6);
    if (!output.subarray(o, o + rest.length).equals(rest)) {
      const at = output.indexOf(Buffer.concat([Buffer.from([0x0a]), input.subarray(m.end, m.end + 1)]), o);
      expect(at, `tear-off ${n}: a block, then the input again`).toBeGreaterThan(o);
      blocks.set(n, output.subarray(o, at));
      o = at;
    }
  });
  expect(output.subarray(o).equals(input.subarray(i)), 'bytes after the last tear-off').toBe(true);
  return blocks;
}

describe.skipIf(!haveSocat)('footers on a printer without a cutter', () => {
  it('sales get a block before the last tear-off feed; everything else byte-identical', async () => {
    const t = tempDir('tbx-nocut-');
    cleanups.push(t.cleanup);
    const { pos: posEnd, printer } = await ptyDaemon(t.dir, cleanups, { footer: { enabled: true, maxHoldMs: 1000, noCutter: true, noCutterFeeds: FEEDS, qr: { url: 'https://crm.example/r/{store}/{token}', key: 'head-office-shared-key-0001' } } });
    const atPrinter = collect(printer);

    const day = demoDay(12);
    const docs = day.map((d) => noCut(d.lines));
    // One at a time, as a till prints: quiet after each tear-off.
    let sent = 0;
    for (const d of docs) {
      posEnd.write(d);
      sent += d.length;
      await waitFor(() => atPrinter.bytes().length >= sent, 10_000);
      await sleep(250);
      sent = atPrinter.bytes().length;
    }
    const input = Buffer.concat(docs);
    const blocks = blocksAtTearOffs(input, atPrinter.bytes());
    day.forEach((d, k) => {
      if (d.kind !== 'sale') expect(blocks.has(k), `${d.kind} receipt ${k} passes byte-identical`).toBe(false);
    });
    const sales = day.filter((d) => d.kind === 'sale').length;
    expect(blocks.size).toBeGreaterThan(sales / 2);
    for (const b of blocks.values()) {
      expect(b.includes(Buffer.from([0x1b, 0x40]))).toBe(false);
      const text = decodeAll(Buffer.concat([Buffer.from([0x1b, 0x40, 0x1c, 0x26]), b]), { encoding: 'gb18030' }).flatMap((x) => x.lines.map((l) => l.text)).join('\n');
      expect(text).toContain('------');
    }

    // Back to back (the next receipt right after the tear-off): no quiet, so no block, except
    // perhaps after the last one, which the till does follow with quiet.
    atPrinter.reset();
    const burstDocs = demoDay(6).map((d) => noCut(d.lines));
    const burst = Buffer.concat(burstDocs);
    posEnd.write(burst);
    await waitFor(() => atPrinter.bytes().length >= burst.length, 10_000);
    await sleep(1500);
    const lastMark = new CutScanner(FEEDS).feed(burst).filter((m) => m.kind === 'end').length - 1;
    expect([...blocksAtTearOffs(burst, atPrinter.bytes()).keys()].filter((k) => k !== lastMark)).toEqual([]);
    expect(atPrinter.bytes().subarray(0, burst.length - burstDocs.at(-1)!.length).equals(burst.subarray(0, burst.length - burstDocs.at(-1)!.length))).toBe(true);
  }, 90_000);
});

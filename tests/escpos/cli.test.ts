import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EscPosBuilder, encodeReceiptText } from '../../src/escpos/encoder.js';
import { tillbox as runTillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir('tillbox-decode-');
afterAll(() => tmp.cleanup());

const tillbox = (argv: string[], stdin?: Buffer) => runTillbox(['decode', ...argv], { cwd: tmp.dir, ...(stdin === undefined ? {} : { stdin }) });

describe('tillbox decode', () => {
  const receipt = Buffer.concat([encodeReceiptText(['光明酸奶   5.80', '合计       5.80']), new EscPosBuilder().text('second').newline().toBuffer()]);
  writeFileSync(join(tmp.dir, 'r.bin'), receipt);

  it('prints documents as on paper with a cut marker line', async () => {
    const r = await tillbox(['r.bin']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 2)).toEqual(['光明酸奶   5.80', '合计       5.80']);
    expect(lines[2]).toMatch(/^-+ ✂ cut · bytes 0–\d+ -+$/);
    expect(lines[3]).toBe('second');
    expect(lines[4]).toMatch(/✂ end/);
  });

  it('--json prints one structured document per line; - reads stdin', async () => {
    const r = await tillbox(['-', '--json'], receipt);
    const docs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { lines: { text: string }[]; endedBy: string });
    expect(docs.map((d) => [d.endedBy, d.lines.map((l) => l.text)])).toEqual([['cut', ['光明酸奶   5.80', '合计       5.80']], ['end', ['second']]]);
  });

  it('--encoding, --double-byte and --columns reach the decoder', async () => {
    writeFileSync(join(tmp.dir, 'big5.bin'), new EscPosBuilder('big5').text('總計').align('right').newline().toBuffer());
    const r = await tillbox(['big5.bin', '--encoding', 'big5', '--double-byte', '--columns', '32']);
    expect(r.out.split('\n')[0]).toBe('總計');
  });

  it('bad usage and unreadable input exit 2 with the reason', async () => {
    expect(await tillbox([])).toMatchObject({ code: 2 });
    expect((await tillbox(['r.bin', '--encoding', 'latin9'])).err).toMatch(/--encoding: expected one of/);
    expect(await tillbox(['r.bin', '--columns', '5'])).toMatchObject({ code: 2 });
    const missing = await tillbox(['nope.bin']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.bin: cannot read \(ENOENT\) \[TBX_INPUT_INVALID\]/);
  });
});

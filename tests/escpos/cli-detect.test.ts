import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intlReceipt, LANGUAGES, type Language } from '../support/intl-receipts.js';
import { tempDir } from '../support/tmp.js';
import { CLI } from '../tap/daemon-process.js';

/**
 * Issue 11 through the real bin (dist/cli.js): captures from tills that never send FS & decode and
 * parse with no options; `--encoding euc-kr` alone is enough; a closed pipe ends the CLI quietly.
 */
const tmp = tempDir('tillbox-detect-cli-');
afterAll(() => tmp.cleanup());

const lang = (id: string): Language => LANGUAGES.find((l) => l.id === id) as Language;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: tmp.dir, env: { PATH: process.env['PATH'] ?? '' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const captures: Record<string, { lines: string[][] }> = {};

beforeAll(() => {
  for (const id of ['zh-gbk', 'zh-big5', 'ja-sjis', 'ko-euckr']) {
    const rs = [1, 2, 3].map((seed) => intlReceipt({ lang: lang(id), columns: 42, lines: 9, modeCommands: false, seed }));
    writeFileSync(join(tmp.dir, `${id}.bin`), Buffer.concat(rs.map((r) => r.bytes)));
    captures[id] = { lines: rs.map((r) => r.lines) };
  }
});

describe('tillbox decode / parse with no options on captures without FS &', () => {
  for (const id of ['zh-gbk', 'zh-big5', 'ja-sjis', 'ko-euckr']) {
    it(`${id}: decode prints the text as printed, parse finds the items`, async () => {
      const d = await cli(['decode', `${id}.bin`]);
      expect(d.code).toBe(0);
      const expected = captures[id]?.lines.flat() ?? [];
      const printed = d.out.split('\n').map((l) => l.trimEnd());
      for (const line of expected) expect(printed).toContain(line);
      expect(d.out).not.toMatch(/[╝╤▓═┬┴╗│╩╨]/u);
      const p = await cli(['parse', `${id}.bin`, '--json']);
      expect(p.code).toBe(0);
      const receipts = p.out.trim().split('\n').map((l) => JSON.parse(l) as { items: { name: string }[] });
      expect(receipts).toHaveLength(3);
      for (const r of receipts) expect(r.items.length).toBeGreaterThanOrEqual(4);
      expect(lang(id).items.some((name) => receipts[0]?.items.some((i) => i.name.startsWith(name)))).toBe(true);
    });
  }

  it('--encoding euc-kr alone (no --double-byte) decodes the Korean capture; the old flags still work', async () => {
    const r = await cli(['decode', 'ko-euckr.bin', '--encoding', 'euc-kr']);
    expect(r.out).toContain(lang('ko-euckr').shop);
    const p = await cli(['parse', 'ko-euckr.bin', '--encoding', 'euc-kr', '--json']);
    expect((JSON.parse(p.out.split('\n')[0] as string) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(4);
    const old = await cli(['decode', 'zh-gbk.bin', '--encoding', 'gb18030', '--double-byte']);
    expect(old.out).toContain(lang('zh-gbk').shop);
  });
});

describe('a closed pipe', () => {
  it('`tillbox decode FILE | head -n 2` ends quietly: no EPIPE stack trace, exit 0 (a real pipe to a real head)', async () => {
    const many = Buffer.concat(Array.from({ length: 600 }, (_, seed) => intlReceipt({ lang: lang('zh-gbk'), columns: 42, lines: 20, modeCommands: false, seed }).bytes));
    writeFileSync(join(tmp.dir, 'many.bin'), many);
    const head = spawn('head', ['-n', '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let headOut = '';
    head.stdout.on('data', (d: Buffer) => (headOut += d.toString('utf8')));
    // The bin's stdout is the write end of the pipe head reads: head exits after two lines and closes it.
    const node = spawn(process.execPath, [CLI, 'decode', 'many.bin'], { cwd: tmp.dir, stdio: ['ignore', head.stdin, 'pipe'] });
    head.stdin.destroy(); // only the bin holds the write end now
    let err = '';
    node.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => node.on('close', (c) => resolve(c)));
    if (head.exitCode === null) await new Promise((resolve) => head.on('exit', resolve));
    expect(headOut.split('\n').slice(0, 2)).toEqual([lang('zh-gbk').shop, expect.stringContaining(' x1')]);
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

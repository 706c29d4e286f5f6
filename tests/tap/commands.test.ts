import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesDue, parseTarget } from '../../src/tap/replay.js';
import { tillbox } from '../support/cli.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { writeConfig } from './daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const cli = (argv: string[], env: Record<string, string> = {}) => tillbox(argv, { env });

function dir(): string {
  const t = tempDir('tbx-cmd-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A repeatable pseudo-random capture. */
function capture(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 7;
  for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return b;
}

describe('tillbox replay', () => {
  it('paces at baud/10 bytes per second and parses targets', () => {
    expect(bytesDue(9600, 1000)).toBe(960);
    expect(bytesDue(115200, 10)).toBe(115);
    expect(parseTarget('127.0.0.1:9100')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9100 });
    expect(parseTarget('printer.local:9100')).toEqual({ kind: 'tcp', host: 'printer.local', port: 9100 });
    expect(parseTarget('/dev/ttyUSB0')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0' });
  });

  it('writes a capture to a TCP printer port at line speed, byte-identical', async () => {
    const d = dir();
    const data = capture(3000);
    const file = join(d, 'cap.bin');
    writeFileSync(file, data);
    const got: Buffer[] = [];
    const srv = createServer((s) => s.on('data', (c: Buffer) => got.push(c)));
    const port = await freePort();
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
    const t0 = Date.now();
    const r = await cli(['replay', file, '--to', `127.0.0.1:${port}`, '--baud', '115200']);
    const took = Date.now() - t0;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^replayed 3000 bytes to 127\.0\.0\.1:\d+ in [\d.]+ s \(\d+ B\/s at 115200 baud\)/);
    await waitFor(() => Buffer.concat(got).length === 3000);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    // 3000 bytes at 11520 B/s cannot take less than 260 ms (a lower bound only: never fast, maybe slow).
    expect(took).toBeGreaterThanOrEqual(250);
  });

  it.skipIf(!toolAvailable(SOCAT))('writes a capture into a serial pty', async () => {
    const d = dir();
    const pair = await PtyPair.create(join(d, 'a'), join(d, 'b'));
    cleanups.push(() => pair.kill());
    const reader = await openEnd(pair.b);
    cleanups.push(() => closeEnd(reader));
    const got = collect(reader);
    const data = capture(1500);
    writeFileSync(join(d, 'cap.bin'), data);
    const r = await cli(['replay', join(d, 'cap.bin'), '--to', pair.a, '--baud', '0']);
    expect(r.code).toBe(0);
    await waitFor(() => got.bytes().length === 1500);
    expect(got.bytes().equals(data)).toBe(true);
  });

  it('bad usage and unreadable input exit 2 with one line', async () => {
    const a = await cli(['replay', 'x.bin']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/\[TBX_USAGE\]/);
    const b = await cli(['replay', '/nonexistent.bin', '--to', '127.0.0.1:1']);
    expect(b.code).toBe(2);
    expect(b.err.trim().split('\n')).toHaveLength(1);
    expect(b.err).toMatch(/\/nonexistent\.bin: cannot read \(ENOENT\) \[TBX_INPUT_INVALID\]/);
  });
});

describe.skipIf(!toolAvailable(SOCAT))('tillbox doctor', () => {
  async function rig() {
    const d = dir();
    const pos = await PtyPair.create(join(d, 'posT'), join(d, 'posD'));
    const prn = await PtyPair.create(join(d, 'prnD'), join(d, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    return { d, pos, prn, config: writeConfig(d, { pos: { path: pos.b }, printer: { path: prn.a } }) };
  }

  it('passes with free ports and a writable dataDir', async () => {
    const r = await rig();
    writeFileSync(join(r.d, 'keep'), '');
    const res = await cli(['doctor', '--config', r.config], { TILLBOX_DATADIR: r.d });
    expect(res.out).toMatch(/ok {4}pos port +.*posD exists and is free/);
    expect(res.out).toMatch(/ok {4}printer port +.*prnD exists and is free/);
    expect(res.out).toMatch(/ok {4}dataDir +.* writable, \d+ MiB free/);
    expect(res.out).toMatch(/ {2}(ok|warn) +clock/);
    expect(res.code).toBe(0);
  });

  it('fails (exit 2) on a locked port and on a missing one', async () => {
    const r = await rig();
    // Take the lock the way a running tillbox would (openEnd does not lock).
    const { SerialPort } = await import('serialport');
    const locker = new SerialPort({ path: r.pos.b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((res, rej) => locker.open((e) => (e ? rej(e) : res())));
    cleanups.push(() => closeEnd(locker));
    const res = await cli(['doctor', '--config', r.config], { TILLBOX_PRINTER_PATH: join(r.d, 'gone') });
    expect(res.code).toBe(2);
    expect(res.out).toMatch(/FAIL {2}pos port +.*posD is locked by another process.*\[TBX_PORT_BUSY\]/);
    expect(res.out).toMatch(/FAIL {2}printer port +.*gone does not exist.*\[TBX_PORT_NOT_FOUND\]/);
    expect(res.out).toMatch(/2 problems/);
  });

  it('reports a bad config and exits 2', async () => {
    const d = dir();
    const file = join(d, 'bad.yaml');
    writeFileSync(file, 'pos:\n  baudRate: 12345\nprinter:\n  flowControl: maybe\n');
    const res = await cli(['doctor', '--config', file]);
    expect(res.code).toBe(2);
    expect(res.out).toMatch(/FAIL {2}config +.*pos\.baudRate: expected one of.*printer\.flowControl: expected one of.*\[TBX_CONFIG_INVALID\]/);
  });
});

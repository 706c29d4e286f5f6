import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { toolAvailable } from '../support/corpus.js';
import { PtyPair, SOCAT } from '../support/socat.js';
import { tempDir } from '../support/tmp.js';
import { DaemonProcess, REPO, writeConfig } from './daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const t = tempDir('tbx-err-');
  cleanups.push(t.cleanup);
  return t.dir;
}

async function failing(configFile: string): Promise<{ code: number | null; stderr: string }> {
  const d = DaemonProcess.run(configFile);
  const exit = await d.exited;
  return { code: exit.code, stderr: d.stderr };
}

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('tillbox run start-up errors: one line on stderr, exit 2', () => {
  it('malformed YAML', async () => {
    const file = join(dir(), 'bad.yaml');
    writeFileSync(file, 'pos:\n  path: /dev/x\n  baudRate: [9600\n');
    const r = await failing(file);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/bad\.yaml: not valid YAML.*\[TBX_CONFIG_UNREADABLE\]/);
  });

  it('truncated file with an invalid value', async () => {
    const file = join(dir(), 'trunc.yaml');
    writeFileSync(file, 'pos:\n  path: /dev/x\n  baudRate: 96');
    const r = await failing(file);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/pos\.baudRate: expected one of .*\[TBX_CONFIG_INVALID\]/);
  });

  it('a port that does not exist', async () => {
    const d = dir();
    const file = writeConfig(d, { pos: { path: join(d, 'no-such-tty') }, printer: { path: join(d, 'nor-this') } });
    const r = await failing(file);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/pos port .*no-such-tty does not exist.*\[TBX_PORT_NOT_FOUND\]/);
  });

  it.skipIf(!toolAvailable(SOCAT))('a port locked by another process (a second tillbox)', async () => {
    const d = dir();
    const pos = await PtyPair.create(join(d, 'posT'), join(d, 'posD'));
    const prn = await PtyPair.create(join(d, 'prnD'), join(d, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    const file = writeConfig(d, { pos: { path: pos.b }, printer: { path: prn.a } });
    const first = DaemonProcess.run(file);
    cleanups.push(async () => void (await first.stop()));
    await first.waitMsg('tap ready');
    const r = await failing(file);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/pos port .*posD is locked by another process.*\[TBX_PORT_BUSY\]/);
  });

  it('tillbox.example.yaml is valid under the schema', () => {
    const c = loadConfig(join(REPO, 'tillbox.example.yaml'), {});
    expect(c.pos.path).toBe('/dev/tillbox-pos');
    expect(c.printer.path).toBe('/dev/tillbox-printer');
  });
});

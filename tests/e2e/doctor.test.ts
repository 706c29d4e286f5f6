import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { serialise, uart } from '../../src/linedetect/bitstream.js';
import { sampleReceipt, sampleTraffic } from '../../src/linedetect/sample.js';
import { closeEnd, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { toolAvailable } from '../support/corpus.js';
import { freePort, tempDir, waitFor } from '../support/tmp.js';
import { CLI, DaemonProcess, writeConfig } from '../tap/daemon-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function doctor(config: object): { code: number | null; out: string } {
  const file = join(tmp.dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(config));
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--config', file], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('tillbox doctor: broker and profile checks', () => {
  it('fails on a profile name that does not exist, and tillbox run refuses to start with exit 2', () => {
    const r = doctor({ parser: { profile: 'no-such-layout' }, dataDir: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/FAIL\s+profiles\s+config: parser.profile: expected auto, none or one of .*cn-supermarket.*got "no-such-layout"/);
    const file = join(tmp.dir, 'bad-profile.yaml');
    writeFileSync(file, stringify({ parser: { profile: 'no-such-layout' }, dataDir: tmp.dir }));
    const run = spawnSync(process.execPath, [CLI, 'run', '--config', file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe.runIf(toolAvailable(MOSQUITTO))('with a real broker', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => broker?.close());

    it('reports a reachable broker as ok and an unreachable one as a failure', async () => {
      const ok = doctor({ mqtt: { url: broker.url }, dataDir: tmp.dir });
      expect(ok.out).toMatch(/ok\s+broker/);
      const dead = doctor({ mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` }, dataDir: tmp.dir });
      expect(dead.out).toMatch(/FAIL\s+broker/);
      expect(dead.code).toBe(2);
    });
  });
});

/** Runs `tillbox doctor ARGS` while `during` writes to the till; resolves with its output once it exits. */
function doctorWhile(args: string[], during: () => Promise<void>): Promise<{ code: number | null; out: string; err: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TILLBOX_')));
  const proc = spawn(process.execPath, [CLI, 'doctor', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  let done = false;
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) => proc.once('exit', (code) => resolve({ code, out, err })));
  void exited.then(() => (done = true));
  const writing = (async () => {
    while (!done) await during();
  })();
  return exited.then(async (r) => {
    await writing;
    return { ...r, out, err };
  });
}

/** The YAML block `doctor --detect` prints to paste. */
function pasted(out: string): { pos: { baudRate: number; dataBits: number; parity: string; stopBits: number }; decoder: { columns: number }; parser: { dateOrder: string } } {
  const at = out.indexOf('# tillbox doctor --detect: paste');
  expect(at).toBeGreaterThan(0);
  return parseYaml(out.slice(at)) as ReturnType<typeof pasted>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.runIf(toolAvailable(SOCAT))('tillbox doctor --detect over real ptys', () => {
  it('standalone (no daemon): listens on the POS port read-only and proposes baud rate, paper width and date order', async () => {
    const d = join(tmp.dir, 'standalone');
    const pos = await PtyPair.create(join(tmp.dir, 'sa-posT'), join(tmp.dir, 'sa-posD'));
    const prn = await PtyPair.create(join(tmp.dir, 'sa-prnD'), join(tmp.dir, 'sa-prnT'));
    try {
      const file = join(tmp.dir, 'standalone.yaml');
      writeFileSync(file, stringify({ pos: { path: pos.b }, printer: { path: prn.a }, dataDir: d }));
      const till = await openEnd(pos.a);
      const printer = await openEnd(prn.b);
      let n = 0;
      const r = await doctorWhile(['--detect', '--seconds', '3', '--config', file], async () => {
        // A 58 mm till that prints month-first dates (04/25/2026), and a printer answering status.
        till.write(sampleReceipt(n++, { columns: 32, items: 4, text: 'ascii', dateOrder: 'MDY' }));
        printer.write(Buffer.from([0x12]));
        await sleep(150);
      });
      await closeEnd(till);
      await closeEnd(printer);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/listened on the POS port, read-only/);
      expect(r.out).toMatch(/line: 9600 8N1 \(clean\)/);
      expect(r.out).toMatch(/pos port sends ESC\/POS/);
      expect(r.out).toMatch(/printer port sends only \d+ status-like bytes/);
      expect(r.out).toMatch(/\/dev\/serial\/by-id/);
      expect(pasted(r.out)).toMatchObject({ pos: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, decoder: { columns: 32 }, parser: { dateOrder: 'MDY' } });
    } finally {
      await pos.kill();
      await prn.kill();
    }
  }, 30_000);

  it('standalone, garbage at the configured rate: calls the rate wrong, re-listens at other rates, proposes the guess', async () => {
    const pos = await PtyPair.create(join(tmp.dir, 'gb-posT'), join(tmp.dir, 'gb-posD'));
    try {
      const file = join(tmp.dir, 'garbage.yaml');
      writeFileSync(file, stringify({ pos: { path: pos.b }, printer: { path: join(tmp.dir, 'no-printer') }, dataDir: join(tmp.dir, 'garbage') }));
      // What a 9600-baud UART makes of a till sending at 19200 (a pty cannot change the rate, so
      // the bit-stream model makes the bytes; every rate the doctor tries then reads the same).
      const wrongRate = uart(serialise(sampleTraffic(9, 2000, { columns: 42, text: 'ascii' }), { baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 }), { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }).bytes;
      const till = await openEnd(pos.a);
      const r = await doctorWhile(['--detect', '--seconds', '1', '--config', file], async () => {
        till.write(Buffer.from(wrongRate.subarray(0, 300)));
        await sleep(200);
      });
      await closeEnd(till);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/line: 19200 8N1 \(wrong-rate\)/);
      expect(r.out).toMatch(/re-listened at 19200 8N1 for 1 s: wrong-rate/);
      expect(r.out).toMatch(/no rate read clean ESC\/POS/);
      expect(r.out).toMatch(/baudRate: 19200 +# a guess/);
    } finally {
      await pos.kill();
    }
  }, 40_000);

  it('with the daemon running: reads its journal (the port is the daemon\'s) and proposes from what it journaled', async () => {
    const d = join(tmp.dir, 'running');
    const pos = await PtyPair.create(join(tmp.dir, 'rn-posT'), join(tmp.dir, 'rn-posD'));
    const prn = await PtyPair.create(join(tmp.dir, 'rn-prnD'), join(tmp.dir, 'rn-prnT'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(d, { recursive: true });
    const file = writeConfig(d, { pos: { path: pos.b }, printer: { path: prn.a } });
    const daemon = DaemonProcess.run(file);
    try {
      await daemon.waitMsg('tap ready', 20_000);
      const till = await openEnd(pos.a);
      const printer = await openEnd(prn.b);
      printer.on('data', () => undefined); // the printer takes what the tap relays
      for (let i = 0; i < 6; i++) {
        // An 80 mm till printing day-first dates (25/04/2026).
        till.write(sampleReceipt(100 + i, { columns: 48, items: 5, text: 'ascii', dateOrder: 'DMY' }));
        await sleep(100);
      }
      await sleep(1500);
      const r = await doctorWhile(['--detect', '--seconds', '2', '--config', file], () => sleep(100));
      await closeEnd(till);
      await closeEnd(printer);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/read from the journal of the running daemon/);
      expect(r.out).toMatch(/is locked: the daemon is running, so its journal was read instead/);
      expect(pasted(r.out)).toMatchObject({ pos: { baudRate: 9600 }, decoder: { columns: 48 }, parser: { dateOrder: 'DMY' } });
      // The daemon itself learned the till's order, in its own file next to the pipeline position.
      const learned = await waitFor(() => (existsSync(join(d, 'data', 'till-date-orders.json')) ? (JSON.parse(readFileSync(join(d, 'data', 'till-date-orders.json'), 'utf8')) as Record<string, { votes: { DMY: number; MDY: number } }>) : undefined), 10_000);
      expect(learned[pos.b]?.votes.DMY).toBeGreaterThanOrEqual(1);
      expect(learned[pos.b]?.votes.MDY).toBe(0);
    } finally {
      await daemon.stop();
      await pos.kill();
      await prn.kill();
    }
  }, 60_000);
});

describe('tillbox doctor: usage errors exit 2', () => {
  it.each([
    [['--detect', '--seconds', 'soon']],
    [['--detect', '--seconds', '0']],
    [['--seconds', '5']],
    [['--detect', 'extra']],
    [['--detectt']],
  ])('doctor %j', (args) => {
    const r = spawnSync(process.execPath, [CLI, 'doctor', ...args], { encoding: 'utf8', cwd: tmp.dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\[TBX_USAGE\]/);
  });
});

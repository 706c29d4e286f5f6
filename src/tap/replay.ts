import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { TillboxError } from '../errors.js';

/** Where `tillbox replay --to` writes: a serial device path or a TCP host:port. */
export type ReplayTarget = { kind: 'serial'; path: string } | { kind: 'tcp'; host: string; port: number };

export function parseTarget(to: string): ReplayTarget {
  const m = /^([^/:]+|\[[^\]]+\]):(\d{1,5})$/.exec(to);
  if (m !== null) return { kind: 'tcp', host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { kind: 'serial', path: to };
}

/** Bytes a line at `baud` carries by `elapsedMs` (8N1: 10 bit times per byte). */
export function bytesDue(baud: number, elapsedMs: number): number {
  return Math.floor((elapsedMs * baud) / 10_000);
}

export interface ReplayResult {
  bytes: number;
  ms: number;
  replyBytes: number;
}

interface Sink {
  write(b: Buffer): Promise<void>;
  close(): Promise<void>;
  replies(): number;
}

async function openSerial(path: string, baud: number): Promise<Sink> {
  if (!existsSync(path)) throw new TillboxError('TBX_PORT_NOT_FOUND', `${path} does not exist`);
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false, hupcl: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => {
      if (err === null) resolve();
      // serialport gives no code for a failed flock(); its message is the only signal.
      else if (err.message.includes('Cannot lock port')) reject(new TillboxError('TBX_PORT_BUSY', `${path} is locked by another process`, { cause: err }));
      else reject(new TillboxError('TBX_PORT_OPEN_FAILED', `${path}: ${err.message}`, { cause: err }));
    }),
  );
  let replies = 0;
  port.on('data', (d: Buffer) => (replies += d.length));
  return {
    write: (b) => new Promise((resolve, reject) => port.write(b, (err) => (err ? reject(err) : port.drain(() => resolve())))),
    close: () => new Promise((resolve) => port.close(() => resolve())),
    replies: () => replies,
  };
}

async function openTcp(host: string, port: number): Promise<Sink> {
  const sock: Socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', (err) => reject(new TillboxError('TBX_PORT_OPEN_FAILED', `${host}:${port}: ${err.message}`, { cause: err })));
  });
  let replies = 0;
  sock.on('data', (d: Buffer) => (replies += d.length));
  return {
    write: (b) => new Promise((resolve, reject) => sock.write(b, (err) => (err ? reject(err) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        sock.end(() => resolve());
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 2000).unref();
      }),
    replies: () => replies,
  };
}

/**
 * A till simulator: writes `data` to the target at line speed (baud/10 bytes per second), or as
 * fast as the target takes it when baud is 0. `now` and `sleep` are injectable for tests.
 */
export async function replay(
  data: Buffer,
  target: ReplayTarget,
  baud: number,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> } = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
): Promise<ReplayResult> {
  const sink = target.kind === 'serial' ? await openSerial(target.path, baud > 0 ? baud : 115200) : await openTcp(target.host, target.port);
  const start = clock.now();
  let ms = 0;
  try {
    if (baud <= 0) {
      await sink.write(data);
    } else {
      let sent = 0;
      while (sent < data.length) {
        const due = Math.min(data.length, bytesDue(baud, clock.now() - start));
        if (due > sent) {
          await sink.write(data.subarray(sent, due));
          sent = due;
        }
        if (sent < data.length) await clock.sleep(5);
      }
    }
    ms = clock.now() - start;
    // Give the far end a moment to answer status requests.
    await clock.sleep(100);
  } finally {
    await sink.close();
  }
  return { bytes: data.length, ms, replyBytes: sink.replies() };
}

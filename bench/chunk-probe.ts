/**
 * Per-chunk latency through a link, for the benchmarks that compare the tap with a direct socat
 * relay: the printer end counts what it receives and timestamps arrival inside the data event.
 */
import type { SerialPort } from 'serialport';

export interface Rig {
  name: 'direct' | 'tap';
  pos: SerialPort;
  /** Bytes the printer end has received so far. */
  got(): number;
  /** Resolves with the hrtime (ns) of the data event that brought the count to `n`. */
  until(n: number): Promise<bigint>;
}

export function rigOf(name: Rig['name'], pos: SerialPort, printer: SerialPort, timeoutMs = 10_000): Rig {
  let got = 0;
  let want: { n: number; res: (t: bigint) => void } | undefined;
  printer.on('data', (d: Buffer) => {
    got += d.length;
    if (want !== undefined && got >= want.n) {
      const w = want;
      want = undefined;
      w.res(process.hrtime.bigint());
    }
  });
  return {
    name,
    pos,
    got: () => got,
    until: (n) =>
      new Promise((res, rej) => {
        if (got >= n) return res(process.hrtime.bigint());
        const timer = setTimeout(() => rej(new Error(`${name}: chunk not delivered within ${timeoutMs / 1000} s`)), timeoutMs);
        want = { n, res: (t) => (clearTimeout(timer), res(t)) };
      }),
  };
}

/** ms from the write at the POS end to the chunk's last byte at the printer end. */
export async function oneChunk(r: Rig, chunk: Buffer): Promise<number> {
  const target = r.got() + chunk.length;
  const t0 = process.hrtime.bigint();
  r.pos.write(chunk);
  return Number((await r.until(target)) - t0) / 1e6;
}

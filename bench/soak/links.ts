/**
 * The soak's links, serial or TCP: the tap's (what `tillbox run` is configured with, and the ends
 * the line process writes and reads) and two baselines fed the same bytes at the same moments:
 * serial — a plain socat relay between pty pairs and a trivial Node forwarder; TCP — the till
 * printing straight to a printer listener, and a trivial Node TCP forwarder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PtyPair, SOCAT } from '../../tests/support/socat.js';
import { freePort } from '../../tests/support/tmp.js';
import type { LineLink } from './line-protocol.js';

export interface Links {
  /** pos and printer sections of the tap's config */
  config: { pos: Record<string, unknown>; printer: Record<string, unknown> };
  /** the tap's link first, then the baselines */
  lines: LineLink[];
  /** serial only: the cables the port-loss faults pull */
  posPair?: PtyPair;
  prnPair?: PtyPair;
  close(): Promise<void>;
}

export async function serialLinks(dir: string, baud: number, spawnMiddle: (f: () => ChildProcess) => ChildProcess): Promise<Links> {
  const pairs: PtyPair[] = [];
  const middles: ChildProcess[] = [];
  const pair = async (a: string, b: string): Promise<PtyPair> => {
    const p = await PtyPair.create(join(dir, a), join(dir, b));
    pairs.push(p);
    return p;
  };
  const posPair = await pair('posT', 'posD');
  const prnPair = await pair('prnD', 'prnT');
  const lines: LineLink[] = [{ name: 'tap', mode: 'serial', pos: posPair.a, printer: prnPair.b }];
  for (const name of ['direct', 'forwarder']) {
    const a = await pair(`${name}-posT`, `${name}-posD`);
    const b = await pair(`${name}-prnD`, `${name}-prnT`);
    middles.push(
      spawnMiddle(() =>
        name === 'direct'
          ? spawn(SOCAT, ['-b', '65536', `${a.b},raw,echo=0`, `${b.a},raw,echo=0`], { stdio: 'ignore' })
          : spawn(process.execPath, [join(import.meta.dirname, 'forwarder.mjs'), a.b, b.a, String(baud)], { stdio: 'ignore' }),
      ),
    );
    lines.push({ name, mode: 'serial', pos: a.a, printer: b.b });
  }
  await new Promise((r) => setTimeout(r, 400)); // the middles open their ends
  return {
    config: { pos: { path: posPair.b, baudRate: baud }, printer: { path: prnPair.a, baudRate: baud } },
    lines,
    posPair,
    prnPair,
    close: async () => {
      for (const m of middles) m.kill('SIGTERM');
      for (const p of pairs) await p.kill();
    },
  };
}

export async function tcpLinks(spawnMiddle: (f: () => ChildProcess) => ChildProcess): Promise<Links> {
  const [listen, printer, direct, fwdListen, fwdPrinter] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const fwd = spawnMiddle(() => spawn(process.execPath, [join(import.meta.dirname, 'tcp-forwarder.mjs'), String(fwdListen), String(fwdPrinter)], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 400)); // the forwarder listens
  return {
    config: { pos: { listen: `127.0.0.1:${listen}` }, printer: { host: '127.0.0.1', port: printer } },
    lines: [
      { name: 'tap', mode: 'tcp', posPort: listen, printerPort: printer },
      { name: 'direct', mode: 'tcp', posPort: direct, printerPort: direct },
      { name: 'forwarder', mode: 'tcp', posPort: fwdListen, printerPort: fwdPrinter },
    ],
    close: async () => {
      fwd.kill('SIGTERM');
    },
  };
}

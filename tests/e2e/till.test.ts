/**
 * The demo's simulated till (src/demo/till.ts) against real TCP servers: a print job delivers
 * every byte, and a job whose printer port goes away mid-job fails promptly instead of waiting
 * forever (the demo hung like that when its daemon was stopped under it).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { printJob } from '../../src/demo/till.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(onConnection: (s: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describe('demo till print jobs', () => {
  it('delivers every byte, paced, and resolves once the job is sent', async () => {
    const job = Buffer.from('\x1b@'.concat('收银小票 line\n'.repeat(50)), 'utf8');
    const got: Buffer[] = [];
    const ended = new Promise<void>((resolve) => {
      void listen((s) => {
        s.on('data', (d: Buffer) => got.push(d));
        s.on('end', () => {
          s.end();
          resolve();
        });
      }).then((port) => printJob('127.0.0.1', port, job, 20_000));
    });
    await ended;
    expect(Buffer.concat(got).equals(job)).toBe(true);
  });

  it('fails within a moment when the printer side drops the connection mid-job', async () => {
    const port = await listen((s) => s.once('data', () => s.destroy()));
    // A minute of printing at 9600 baud: only an early failure ends this within the test's time.
    const job = Buffer.alloc(57_600, 0x41);
    await expect(printJob('127.0.0.1', port, job, 960)).rejects.toThrow();
  });

  it('fails when nothing listens', async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    await expect(printJob('127.0.0.1', port, Buffer.from('x'))).rejects.toThrow(/ECONNREFUSED/);
  });
});

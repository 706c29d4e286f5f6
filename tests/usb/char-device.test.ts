/**
 * The USB device port's read loop against usblp's error replies. No usblp exists here: the fd is a
 * real pty (socat), opened O_NONBLOCK like the device, and the driver's EIO (a failed read URB,
 * resubmitted by the driver) and EINVAL (a printer without a read channel) are played by wrapping
 * the real read. Everything else — poller, writes, close — is the real path.
 */
import { constants, openSync, read } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAR_DEVICE_DEFAULTS, CharDevicePort, type ReadFn } from '../../src/tap/char-device.js';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, collect, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';

const realRead = promisify(read) as ReadFn;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(readFn: ReadFn) {
  const t = tempDir('tbx-chardev-');
  cleanups.push(t.cleanup);
  const pair = await PtyPair.create(join(t.dir, 'lp0'), join(t.dir, 'printer'));
  cleanups.push(() => pair.kill());
  const fd = openSync(pair.a, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  const port = new CharDevicePort(fd, { ...CHAR_DEVICE_DEFAULTS, path: pair.a }, readFn);
  cleanups.push(async () => {
    if (port.isOpen) await port.close();
  });
  const printer = await openEnd(pair.b);
  cleanups.push(() => closeEnd(printer));
  return { port, printer };
}

describe.skipIf(!toolAvailable(SOCAT))('USB device port read loop (usblp replies played over a pty)', () => {
  it('EIO from a failed read URB is retried, not a loss: the next status bytes arrive', async () => {
    let eio = 3;
    const { port, printer } = await rig((...a) => (eio-- > 0 ? Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })) : realRead(...a)));
    const got = port.read(Buffer.alloc(64), 0, 64);
    printer.write(Buffer.from([0x12, 0x16]));
    const { bytesRead, buffer } = await got;
    expect([...buffer.subarray(0, bytesRead)]).toEqual([0x12, 0x16]);
    expect(eio).toBeLessThan(0);
  });

  it('EIO that does not stop is a loss', async () => {
    const { port } = await rig(() => Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })));
    await expect(port.read(Buffer.alloc(64), 0, 64)).rejects.toMatchObject({ code: 'EIO' });
  });

  it('EINVAL (no read channel): reads wait until close, writes still reach the printer', async () => {
    const { port, printer } = await rig(() => Promise.reject(Object.assign(new Error('EINVAL: invalid argument, read'), { code: 'EINVAL' })));
    const at = collect(printer);
    const pending = port.read(Buffer.alloc(64), 0, 64).then(
      () => 'read returned',
      (err: { canceled?: boolean }) => (err.canceled === true ? 'canceled' : 'failed'),
    );
    await port.write(Buffer.from('receipt\n'));
    await waitFor(() => at.bytes().toString() === 'receipt\n');
    await port.close();
    expect(await pending).toBe('canceled');
  });
});

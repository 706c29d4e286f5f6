import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toolAvailable } from '../support/corpus.js';
import { closeEnd, openEnd, PtyPair, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { DaemonProcess, writeConfig } from './daemon-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A real notify socket: socat listens on a unix datagram socket and appends every datagram to a
 * file, as systemd's manager would receive them. (socat never closes the barrier fd systemd-notify
 * passes, so each helper waits out its barrier timeout: harmless, the datagram has arrived.)
 */
describe.skipIf(!toolAvailable(SOCAT) || !toolAvailable('/usr/bin/systemd-notify'))('sd_notify', () => {
  it('sends READY=1 once up, WATCHDOG=1 pings, STOPPING=1 on SIGTERM, then exits 0', async () => {
    const t = tempDir('tbx-notify-');
    cleanups.push(t.cleanup);
    const sock = join(t.dir, 'notify.sock');
    const out = join(t.dir, 'received');
    const listener = spawn(SOCAT, ['-u', `UNIX-RECV:${sock}`, `OPEN:${out},creat,append`], { stdio: 'ignore' });
    cleanups.push(() => void listener.kill());
    await waitFor(() => existsSync(sock));
    const pos = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
    const prn = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    const end1 = await openEnd(pos.a);
    const end2 = await openEnd(prn.b);
    cleanups.push(() => closeEnd(end1), () => closeEnd(end2));
    const config = writeConfig(t.dir, { pos: { path: pos.b }, printer: { path: prn.a } });

    const daemon = DaemonProcess.run(config, { NOTIFY_SOCKET: sock, WATCHDOG_USEC: '400000' });
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    const got = () => (existsSync(out) ? readFileSync(out, 'utf8') : '');
    await waitFor(() => got().includes('READY=1'));
    await waitFor(() => got().includes('WATCHDOG=1'), 5000);
    expect(got()).not.toContain('STOPPING=1');
    expect((await daemon.stop()).code).toBe(0);
    await waitFor(() => got().includes('STOPPING=1'));
    expect(got().indexOf('READY=1')).toBeLessThan(got().indexOf('STOPPING=1'));
  });

  it('sends nothing when NOTIFY_SOCKET is unset', async () => {
    const t = tempDir('tbx-notify-');
    cleanups.push(t.cleanup);
    const pos = await PtyPair.create(join(t.dir, 'posT'), join(t.dir, 'posD'));
    const prn = await PtyPair.create(join(t.dir, 'prnD'), join(t.dir, 'prnT'));
    cleanups.push(() => pos.kill(), () => prn.kill());
    const daemon = DaemonProcess.run(writeConfig(t.dir, { pos: { path: pos.b }, printer: { path: prn.a } }), { WATCHDOG_USEC: '400000' });
    await daemon.waitMsg('tap ready');
    expect((await daemon.stop()).code).toBe(0);
    expect(daemon.logs.some((l) => l['module'] === 'sdnotify')).toBe(false);
  });
});

/**
 * The relay holder. There is no GPIO chip here (gpio-sim needs configfs and its module; neither
 * exists on this machine), so a stand-in `gpioset` first on PATH plays libgpiod v1's
 * `gpioset --mode=wait`: it records its arguments, holds until its stdin reaches end-of-file, then
 * records the release, exactly when the real tool would let go of the line. Everything around it
 * is real: the bash helper, the heartbeat, a blocked event loop, a SIGSTOPped and a SIGKILLed tap.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GpiosetLine } from '../../src/bypass/gpioset-line.js';
import { createLogger } from '../../src/log.js';
import { toolAvailable } from '../support/corpus.js';
import { gpiosetStandIn } from '../support/gpio-standin.js';
import { closeEnd, collect, openEnd, SOCAT } from '../support/socat.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { tapLines } from '../support/usb-emulation.js';
import { DaemonProcess, writeConfig } from '../tap/daemon-process.js';

const quiet = createLogger({ level: 'silent' });
// Say which ran: a gpio-sim chip would need configfs and the gpio-sim module (neither here).
console.info(existsSync('/sys/kernel/config/gpio-sim') ? 'gpio-sim is available but not used: these tests run a stand-in gpioset' : 'gpio-sim unavailable (no /sys/kernel/config/gpio-sim): stand-in gpioset and the real gpioset up to "no chip"');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const standIn = gpiosetStandIn;

const last = (s: string[]): string | undefined => s.at(-1);

describe('gpioset relay holder (stand-in tool)', () => {
  it('holds the line until released; a blocked event loop makes the helper let go by itself', async () => {
    const t = tempDir('tbx-gpio-');
    cleanups.push(t.cleanup);
    const s = standIn(t.dir);
    process.env['TBX_FAKE_GPIO_LOG'] = s.log;
    // hangMs well above a loaded machine's scheduling hiccups (this file shares 2 cores with others).
    const line = new GpiosetLine({ chip: 'gpiochip0', line: 17, activeLow: true, hangMs: 1500, logger: quiet, command: join(s.bin, 'gpioset') });
    cleanups.push(() => line.release());
    const reasons: string[] = [];
    line.onReleased = (r) => reasons.push(r);
    line.energise();
    await waitFor(() => last(s.state()) === 'held --mode=wait --active-low gpiochip0 17=1');
    // Heartbeats keep it held across more than one hang period.
    await new Promise((r) => setTimeout(r, 2500));
    expect(last(s.state())).toBe('held --mode=wait --active-low gpiochip0 17=1');
    expect(line.energised).toBe(true);
    // Block this event loop (the one the tap's byte path would run on) for well over hangMs.
    const until = Date.now() + 4500;
    while (Date.now() < until) {
      // spin: no timers, no heartbeat
    }
    // The helper timed out during the spin; a loaded machine may only now let it write that down.
    await waitFor(() => last(s.state()) === 'released');
    await waitFor(() => reasons.length === 1);
    expect(reasons[0]).toBe('heartbeat missed (event loop stalled)');
    expect(line.energised).toBe(false);
    // Energise again, release on purpose.
    line.energise();
    await waitFor(() => last(s.state())?.startsWith('held') === true);
    line.release();
    await waitFor(() => last(s.state()) === 'released');
    expect(s.state().filter((x) => x === 'released')).toHaveLength(2);
  });

  it('a failing gpioset (no such chip) is reported, not taken for a held line', async () => {
    const t = tempDir('tbx-gpio-');
    cleanups.push(t.cleanup);
    const bad = join(t.dir, 'gpioset');
    writeFileSync(bad, '#!/bin/bash\necho "gpioset: error setting the GPIO line values: No such file or directory" >&2\nexit 1\n');
    chmodSync(bad, 0o755);
    const line = new GpiosetLine({ chip: 'gpiochip9', line: 17, activeLow: false, hangMs: 300, logger: quiet, command: bad });
    const reasons: string[] = [];
    line.onReleased = (r) => reasons.push(r);
    line.energise();
    await waitFor(() => reasons.length === 1, 5000);
    expect(reasons[0]).toContain('gpioset failed: gpioset: error setting the GPIO line values');
    expect(line.energised).toBe(false);
  });

  // The real tool (Debian gpiod, libgpiod v1.6) with no GPIO chip on this machine: it must get as
  // far as setting the line (so the arguments are its syntax) and its failure must be reported.
  it.skipIf(!toolAvailable('/usr/bin/gpioset'))('the real gpioset takes the arguments; with no chip here its error is reported as a failure to hold', async () => {
    const line = new GpiosetLine({ chip: 'gpiochip0', line: 17, activeLow: true, hangMs: 300, logger: quiet, command: '/usr/bin/gpioset' });
    const reasons: string[] = [];
    line.onReleased = (r) => reasons.push(r);
    line.energise();
    await waitFor(() => reasons.length === 1, 5000);
    expect(reasons[0]).toMatch(/^gpioset failed: (\/usr\/bin\/)?gpioset: error (setting the GPIO line values|opening gpiochip)/);
    expect(reasons[0]).not.toMatch(/unrecognized|invalid|usage/i);
  });
});

describe.skipIf(!toolAvailable(SOCAT))('bypass relay in the daemon (stand-in gpioset, real ptys)', () => {
  async function daemonRig(bypass: Record<string, unknown>) {
    const t = tempDir('tbx-bypass-');
    cleanups.push(t.cleanup);
    const s = standIn(t.dir);
    const { pos, prn, config } = await tapLines('serial', t.dir);
    cleanups.push(() => pos.kill(), () => prn.kill());
    const daemon = DaemonProcess.run(writeConfig(t.dir, { ...config, bypass: { enabled: true, hangMs: 1500, ...bypass } }), { PATH: `${s.bin}:${process.env['PATH'] ?? ''}`, TBX_FAKE_GPIO_LOG: s.log });
    cleanups.push(async () => void (await daemon.stop()));
    await daemon.waitMsg('tap ready');
    return { s, pos, prn, daemon };
  }

  it('energised while relaying, released on side loss after sideLossMs, on a stopped (SIGSTOP) tap, and on kill -9', async () => {
    const { s, pos, prn, daemon } = await daemonRig({ sideLossMs: 600 });
    await waitFor(() => last(s.state()) === 'held --mode=wait gpiochip0 17=1');
    // Not before both ports were open.
    const energisedAt = daemon.logs.findIndex((l) => l.msg === 'both sides open: relay energised');
    expect(energisedAt).toBeGreaterThan(daemon.logs.findIndex((l) => l.msg === 'port open' && l['side'] === 'pos'));
    expect(energisedAt).toBeGreaterThan(daemon.logs.findIndex((l) => l.msg === 'port open' && l['side'] === 'printer'));
    const posEnd = await openEnd(pos.a);
    let printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(posEnd));
    let at = collect(printer);
    posEnd.write(Buffer.from('relayed\n'));
    await waitFor(() => at.bytes().toString() === 'relayed\n');

    // Printer side unplugged: released once it has been gone sideLossMs; energised again when back.
    await closeEnd(printer);
    await prn.kill();
    await daemon.waitMsg('a side down too long: relay released, POS and printer wired direct', 5000);
    await waitFor(() => last(s.state()) === 'released');
    await prn.start();
    printer = await openEnd(prn.b);
    cleanups.push(() => closeEnd(printer));
    await waitFor(() => last(s.state())?.startsWith('held') === true, 5000);
    at = collect(printer);
    posEnd.write(Buffer.from('again\n'));
    await waitFor(() => at.bytes().toString() === 'again\n');

    // The whole tap frozen (its event loop cannot run): the helper lets go within hangMs.
    process.kill(daemon.proc.pid!, 'SIGSTOP');
    await waitFor(() => last(s.state()) === 'released', 5000);
    process.kill(daemon.proc.pid!, 'SIGCONT');
    await daemon.waitLog((l) => l.msg === 'relay released by its holder; POS and printer wired direct' && l['reason'] === 'heartbeat missed (event loop stalled)');
    await waitFor(() => last(s.state())?.startsWith('held') === true, 5000);

    // kill -9: nothing runs in the tap, the kernel closes its pipes, the line is let go.
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    await waitFor(() => last(s.state()) === 'released', 5000);
  });

  it('a normal stop releases the relay before the ports close', async () => {
    const { s, daemon } = await daemonRig({});
    await waitFor(() => last(s.state())?.startsWith('held') === true);
    expect((await daemon.stop()).code).toBe(0);
    expect(last(s.state())).toBe('released');
    const i = daemon.logs.findIndex((l) => l.msg === 'relay released (POS and printer wired direct)');
    const j = daemon.logs.findIndex((l) => l.msg === 'stopped');
    expect(i).toBeGreaterThan(-1);
    expect(i).toBeLessThan(j);
  });
});

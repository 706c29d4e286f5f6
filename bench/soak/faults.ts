/**
 * The faults of a shop's day, each a real act on a real part, and a seeded schedule that spreads
 * them over the run at random receipts. Faults run one after another (a second one never starts
 * inside the first), so each window can be matched with what the page showed during it.
 */
import { seededRandom } from '../../src/demo/random.js';
import type { SoakRig } from './rig.js';
import { sleep } from './rig.js';
import { waitFor } from '../../tests/support/tmp.js';

export type FaultKind =
  | 'tap-kill9'
  | 'analytics-kill9'
  | 'printer-loss'
  | 'pos-loss'
  | 'broker-down'
  | 'disk-full'
  | 'clock-back-1h'
  | 'clock-forward-1d'
  | 'analytics-sigstop';

/** Which health light (or the page itself) should say so while the fault lasts (serial mode). */
export const EXPECTED_SIGN: Record<FaultKind, string> = {
  'tap-kill9': 'page-unreachable',
  'analytics-kill9': 'page-unreachable',
  'printer-loss': 'printer',
  'pos-loss': 'pos',
  'broker-down': 'broker',
  'disk-full': 'disk',
  'clock-back-1h': 'none',
  'clock-forward-1d': 'none',
  'analytics-sigstop': 'page-unreachable',
};

/**
 * The sign expected in either mode. Over TCP a dropped POS connection is nothing the box can tell
 * from a job that ended (its listener stays up), so the page has nothing to name.
 */
export function expectedSign(kind: FaultKind, tcp: boolean): string {
  return tcp && kind === 'pos-loss' ? 'none' : EXPECTED_SIGN[kind];
}

export interface FaultDurations {
  portDownMs: number;
  brokerDownMs: number;
  diskFullMs: number;
  sigstopMs: number;
}

export const SHORT: FaultDurations = { portDownMs: 2500, brokerDownMs: 12_000, diskFullMs: 10_000, sigstopMs: 8_000 };
export const FULL: FaultDurations = { portDownMs: 3000, brokerDownMs: 180_000, diskFullMs: 60_000, sigstopMs: 30_000 };

export interface FaultWindow {
  kind: FaultKind;
  atReceipt: number;
  start: number;
  end: number;
  note?: string;
}

export interface PlannedFault {
  kind: FaultKind;
  atReceipt: number;
}

/** Every kind at least once, kills `kills` times each, at seeded random receipts in [5 %, 85 %] of the run. */
export function planFaults(receipts: number, kills: number, seed: number, available: (k: FaultKind) => boolean): PlannedFault[] {
  const rnd = seededRandom(seed);
  const kinds: FaultKind[] = [];
  for (let i = 0; i < kills; i++) kinds.push('tap-kill9', 'analytics-kill9');
  kinds.push('printer-loss', 'pos-loss', 'broker-down', 'disk-full', 'clock-back-1h', 'clock-forward-1d', 'analytics-sigstop');
  const chosen = kinds.filter(available);
  // Shuffle (Fisher–Yates), then hand out sorted receipt numbers.
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [chosen[i], chosen[j]] = [chosen[j] as FaultKind, chosen[i] as FaultKind];
  }
  const at = chosen.map(() => Math.floor(receipts * (0.05 + rnd() * 0.8))).sort((a, b) => a - b);
  return chosen.map((kind, i) => ({ kind, atReceipt: at[i] ?? 0 }));
}

/** Carries out one fault and returns its window (monotonic ms). */
export async function runFault(rig: SoakRig, f: PlannedFault, d: FaultDurations): Promise<FaultWindow> {
  const start = performance.now();
  let note: string | undefined;
  switch (f.kind) {
    case 'tap-kill9':
      await rig.killTap();
      await sleep(1000); // systemd's RestartSec=1s
      await rig.startTap();
      break;
    case 'analytics-kill9': {
      const pid = await rig.waitAnalytics();
      process.kill(pid, 'SIGKILL');
      // Until the supervisor has started a new one: the killed pid lingers in /proc (with its
      // command line) for a moment after the signal, and the window closed at once (0.0 s).
      await waitFor(() => { const p = rig.analyticsPid(); return p !== undefined && p !== pid ? p : undefined; }, 30_000, 50).catch(() => undefined);
      note = `pid ${pid}`;
      break;
    }
    case 'printer-loss':
      await rig.printerLoss(d.portDownMs);
      break;
    case 'pos-loss':
      await rig.posLoss(d.portDownMs);
      break;
    case 'broker-down':
      await rig.broker.stop();
      await sleep(d.brokerDownMs);
      await rig.broker.start();
      break;
    case 'disk-full': {
      const free = rig.fillDisk();
      await sleep(d.diskFullMs);
      free();
      break;
    }
    case 'clock-back-1h':
      rig.stepClock(-3600);
      await sleep(2000);
      break;
    case 'clock-forward-1d':
      rig.stepClock(86_400);
      await sleep(2000);
      break;
    case 'analytics-sigstop': {
      const pid = await rig.waitAnalytics();
      process.kill(pid, 'SIGSTOP');
      await sleep(d.sigstopMs);
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        note = 'the child was replaced while stopped';
      }
      break;
    }
  }
  return { kind: f.kind, atReceipt: f.atReceipt, start, end: performance.now(), ...(note === undefined ? {} : { note }) };
}

/**
 * Small probes the daemon can use to fill `StatusSnapshot.disk` and `.clock`.
 * They touch the filesystem, so they belong to the composition root's wiring, not to buildApp.
 */
import { existsSync, statfsSync } from 'node:fs';

/** Free (to unprivileged users) and total bytes of the filesystem holding `dir`; null if unreadable. */
export function diskSpace(dir: string): { freeBytes: number; totalBytes: number } | null {
  try {
    const s = statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

/**
 * systemd-timesyncd creates /run/systemd/timesync/synchronized once the clock is synchronised
 * (systemd-timesyncd.service(8)). Its directory without the flag means "not yet"; no directory
 * means we cannot tell (chrony, ntpd or no time sync at all).
 */
export function clockSync(runDir = '/run/systemd/timesync'): { synced: boolean | null; source?: string; reason?: string } {
  if (existsSync(`${runDir}/synchronized`)) return { synced: true, source: 'systemd-timesyncd' };
  if (existsSync(runDir)) return { synced: false, source: 'systemd-timesyncd', reason: 'not synchronised yet' };
  return { synced: null, reason: 'no systemd-timesyncd state' };
}

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** The kernel's id for this boot; rows with the same boot id share one monotonic clock. */
export function readBootId(path = '/proc/sys/kernel/random/boot_id'): string {
  try {
    return readFileSync(path, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Best effort: is the wall clock synchronised (NTP or similar)? Unknown counts as false, because a
 * Pi without an RTC boots in 1970 or at its last shutdown time and only NTP makes wall time true.
 * systemd-timesyncd leaves /run/systemd/timesync/synchronized once synced; otherwise ask timedatectl
 * (which also covers chrony and ntpd through timedated).
 */
export async function clockSynced(): Promise<boolean> {
  if (existsSync('/run/systemd/timesync/synchronized')) return true;
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 2000 }, (err, stdout) => {
      resolve(err === null && stdout.trim() === 'yes');
    });
  });
}

import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of its own, for a disk that really fills up (ENOSPC, SQLITE_FULL): needs root or
 * CAP_SYS_ADMIN. `tmpfsAvailable()` tries once; outside CI a suite skips and says why, under
 * TBX_TEST_REQUIRE_REAL=1 (CI) it fails loudly instead, like a missing socat or mosquitto.
 */
export function tmpfsAvailable(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'tbx-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return true;
  } catch (err) {
    const why = `cannot mount a tmpfs (${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}); a full disk needs root here`;
    if (process.env['TBX_TEST_REQUIRE_REAL'] === '1') throw new Error(`${why} but TBX_TEST_REQUIRE_REAL=1`);
    console.warn(`skipping: ${why}`);
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Tmpfs {
  readonly dir: string;
  /** Writes a file until the filesystem refuses another byte. */
  fill(): void;
  /** Removes the filler: space returns. */
  free(): void;
  freeBytes(): number;
  /** Unmounts (lazily if still busy) and removes the mount point. */
  close(): void;
}

export function mountTmpfs(size: string): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'tbx-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, 'filler');
  let closed = false;
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Big blocks first, then single bytes: "to the last block".
        for (const size of [65_536, 4096, 1]) {
          const block = Buffer.alloc(size, 0x55);
          try {
            for (;;) writeSync(fd, block);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      unlinkSync(filler);
    },
    freeBytes() {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toolAvailable } from '../support/corpus.js';
import { tempDir } from '../support/tmp.js';
import { REPO } from './daemon-process.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function verify(unitPath: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', unitPath], (err, _stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stderr }));
  });
}

/** The shipped unit with ExecStart pointed at this machine's node and dist/cli.js (verify needs it to exist; the wrapper is not installed here). */
function localCopy(edit: (unit: string) => string = (u) => u): string {
  const t = tempDir('tbx-unit-');
  cleanups.push(t.cleanup);
  const unit = readFileSync(join(REPO, 'systemd', 'tillbox.service'), 'utf8')
    .replace(/^ExecStart=\/usr\/bin\/tillbox /m, `ExecStart=${process.execPath} ${join(REPO, 'dist', 'cli.js')} `);
  const file = join(t.dir, 'tillbox.service');
  writeFileSync(file, edit(unit));
  return file;
}

describe.skipIf(!toolAvailable('/usr/bin/systemd-analyze'))('systemd/tillbox.service', () => {
  it('passes systemd-analyze verify with no complaint about the unit', async () => {
    const r = await verify(localCopy());
    expect(r.stderr.split('\n').filter((l) => l.includes('tillbox.service'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the check can fail: a missing ExecStart binary is reported', async () => {
    const r = await verify(localCopy((u) => u.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node')));
    expect(r.code).not.toBe(0);
  });

  it('declares what the design relies on', () => {
    const unit = readFileSync(join(REPO, 'systemd', 'tillbox.service'), 'utf8');
    // The wrapper, not a node path: it finds a Node >= 20 wherever the machine has one.
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/tillbox run --config \/etc\/tillbox\/tillbox.yaml$/m);
    expect(unit).not.toMatch(/^ExecStart=\S*node/m);
    for (const line of ['Type=notify', 'NotifyAccess=all', 'Restart=always', 'Nice=-5', 'CPUWeight=1000', 'IOWeight=1000', 'User=tillbox', 'SupplementaryGroups=dialout', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/tillbox', 'KillMode=mixed']) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(unit).toMatch(/^WatchdogSec=\d+s$/m);
  });
});

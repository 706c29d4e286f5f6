import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { CLI } from '../tap/daemon-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('the tillbox command', () => {
  it('runs when started through a symlink, as npx and npm bins start it', () => {
    const link = join(tmp.dir, 'tillbox');
    symlinkSync(CLI, link);
    const r = spawnSync(process.execPath, [link, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: tillbox <command>/);
    expect(r.stdout).toContain('reparse');
  });

  it('exits 2 with the usage on an unknown command', () => {
    const r = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

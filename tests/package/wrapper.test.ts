/**
 * The /usr/bin/tillbox wrapper (packaging/tillbox.sh), run from this checkout: it finds a Node >= 20,
 * refuses an older one with a message naming it and the fix, and gives TBX_NODE_FLAGS to the tap's
 * node only. The "old node" is a two-line shell script answering `--version` with v18: no real
 * Node 18 exists on this machine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const REPO = join(import.meta.dirname, '..', '..');
const t = tempDir('tbx-wrapper-');
afterAll(() => t.cleanup());
const wrapper = join(t.dir, 'tillbox');
writeFileSync(wrapper, readFileSync(join(REPO, 'packaging', 'tillbox.sh'), 'utf8').replace('@TILLBOX_HOME@', REPO));
chmodSync(wrapper, 0o755);

const run = (args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } => {
  const r = spawnSync(wrapper, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

describe('packaging/tillbox.sh', () => {
  it('runs dist/cli.js with a Node >= 20 it finds', () => {
    const r = run(['--version']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`node ${process.version}`);
  });

  it('refuses a Node older than 20, naming it and the fix', () => {
    const old = join(t.dir, 'node18');
    writeFileSync(old, '#!/bin/sh\necho v18.19.1\n');
    chmodSync(old, 0o755);
    const r = run(['--version'], { TBX_NODE: old });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`needs Node.js 20 or newer; found: ${old} (v18.19.1)`);
    expect(r.err).toContain('apt install nodejs');
    expect(r.out).toBe('');
  });

  it('passes TBX_NODE_FLAGS to node and not on to its children', () => {
    // The same wrapper with a probe in place of dist/cli.js: what node got, and what a child would inherit.
    const probe = join(t.dir, 'probe.sh');
    writeFileSync(probe, readFileSync(wrapper, 'utf8').replace('"$TILLBOX_HOME/dist/cli.js" "$@"', `-e 'console.log(JSON.stringify([process.execArgv[0], process.env.TBX_NODE_FLAGS ?? null]))'`));
    chmodSync(probe, 0o755);
    const p = spawnSync(probe, [], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TBX_NODE_FLAGS: '--stack-size=2000' } });
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual(['--stack-size=2000', null]);
  });
});

/**
 * The Debian package, built from this checkout (amd64, dist/ as the suite's tsc left it) and, when
 * the suite runs as root on a machine without tillbox installed, installed for real with dpkg,
 * upgraded over itself with a database from the previous schema, and purged. Whatever happens,
 * afterAll purges what this file installed: CI runs as root on the real machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_SCHEMA_VERSION } from '../../src/ledger/migrations.js';
import { toolAvailable } from '../support/corpus.js';
import { tempDir } from '../support/tmp.js';

const REPO = join(import.meta.dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const haveDpkg = toolAvailable('/usr/bin/dpkg-deb') && toolAvailable('/usr/bin/file');
const sh = (cmd: string, args: string[]): { code: number; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: '/' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
};
/** Installing is only safe where no tillbox (package, user or data) exists that a purge would destroy. */
const machineIsClean = (): boolean =>
  sh('dpkg-query', ['-W', '-f=${Status}', 'tillbox']).out.includes('installed') === false &&
  sh('getent', ['passwd', 'tillbox']).code !== 0 && !existsSync('/var/lib/tillbox') && !existsSync('/etc/tillbox') && !existsSync('/usr/lib/tillbox');
const canInstall = haveDpkg && process.getuid?.() === 0 && toolAvailable('/usr/bin/dpkg') && machineIsClean();

let deb = '';
let installedByUs = false;
const t = tempDir('tbx-deb-');

beforeAll(() => {
  if (!haveDpkg) return;
  const out = execFileSync(join(REPO, 'scripts', 'package.sh'), ['--no-build', '--fast', '--out', t.dir], { encoding: 'utf8', cwd: REPO });
  deb = join(t.dir, `tillbox_${VERSION}_amd64.deb`);
  expect(out).toContain(deb);
}, 120_000);

afterAll(() => {
  if (installedByUs) sh('dpkg', ['--purge', '--force-all', 'tillbox']);
  t.cleanup();
});

describe.skipIf(!haveDpkg)('the amd64 .deb', () => {
  it('holds the wrapper, the unit, udev rules, sysusers, example config and production modules only, with root-owned sane modes', () => {
    const list = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const entry = (path: string): string | undefined => list.split('\n').find((l) => l.endsWith(` ./${path}`));
    expect(entry('usr/bin/tillbox')).toMatch(/^-rwxr-xr-x root\/root /);
    expect(entry('usr/lib/systemd/system/tillbox.service')).toMatch(/^-rw-r--r-- root\/root /);
    expect(entry('usr/lib/udev/rules.d/99-tillbox.rules')).toMatch(/^-rw-r--r-- root\/root /);
    expect(entry('usr/lib/sysusers.d/tillbox.conf')).toMatch(/^-rw-r--r-- root\/root /);
    expect(entry('usr/share/tillbox/tillbox.example.yaml')).toBeDefined();
    expect(entry('usr/share/tillbox/tillbox-gadget.sh')).toMatch(/^-rwxr-xr-x root\/root /);
    expect(entry('usr/lib/systemd/system/tillbox-gadget.service')).toMatch(/^-rw-r--r-- root\/root /);
    expect(entry('usr/lib/systemd/system/tillbox-gadget.path')).toMatch(/^-rw-r--r-- root\/root /);
    expect(entry('usr/lib/tillbox/dist/cli.js')).toBeDefined();
    expect(entry('usr/lib/tillbox/src/web/assets/index.html')).toBeDefined();
    expect(entry('usr/lib/tillbox/node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toMatch(/^-rwxr-xr-x /);
    // Nothing world-writable, nothing owned by the builder.
    for (const l of list.split('\n').filter((x) => x !== '')) {
      expect(l).toMatch(/^[-dl]rw[-x]r-[-x]r-[-x] root\/root /);
    }
    // Dev and optional packages stay out: no compiler, test runner, demo broker or PostgreSQL client.
    for (const pkg of ['typescript', 'vitest', 'esbuild', 'playwright-core', 'tsx', 'aedes', 'pg', '@types']) {
      expect(list).not.toContain(`./usr/lib/tillbox/node_modules/${pkg}/`);
    }
    expect(list).not.toContain('better-sqlite3/deps/');
  });

  it('has the control fields and maintainer scripts', () => {
    const info = execFileSync('dpkg-deb', ['-I', deb], { encoding: 'utf8' });
    expect(info).toMatch(/^ Package: tillbox$/m);
    expect(info).toContain(` Version: ${VERSION}\n`);
    expect(info).toMatch(/^ Architecture: amd64$/m);
    expect(info).toMatch(/^ Depends: nodejs \(>= 20~\)/m);
    for (const s of ['postinst', 'prerm', 'postrm']) expect(info).toMatch(new RegExp(`^ +\\d+ bytes, +\\d+ lines +\\* +${s} +#!/bin/sh$`, 'm'));
    const kib = Number(/^ Installed-Size: (\d+)$/m.exec(info)?.[1]);
    expect(kib).toBeGreaterThan(1000);
  });
});

describe.skipIf(!canInstall)('installed with dpkg on this machine (root, no tillbox here before)', () => {
  it('installs, runs from the installed files, upgrades over itself with a migration and a backup, refuses a newer database, and purges clean', () => {
    installedByUs = true;
    const install = sh('dpkg', ['-i', deb]);
    expect(install.code, install.out).toBe(0);
    expect(install.out).toContain('installed and enabled, not started');

    // User, directories, modes.
    expect(sh('getent', ['passwd', 'tillbox']).code).toBe(0);
    const st = (p: string): { mode: string; uid: number; gid: number } => {
      const s = statSync(p);
      return { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
    };
    const uid = Number(sh('id', ['-u', 'tillbox']).out.trim());
    const gid = Number(sh('id', ['-g', 'tillbox']).out.trim());
    expect(st('/var/lib/tillbox')).toEqual({ mode: '750', uid, gid });
    expect(st('/etc/tillbox')).toEqual({ mode: '750', uid: 0, gid });
    expect(sh('id', ['-nG', 'tillbox']).out).toMatch(/\bdialout\b/);
    expect(existsSync('/etc/systemd/system/multi-user.target.wants/tillbox.service')).toBe(true);

    // The installed wrapper, its node, its modules.
    const version = sh('/usr/bin/tillbox', ['--version']);
    expect(version.code, version.out).toBe(0);
    expect(version.out).toContain(`tillbox ${VERSION}`);
    const doctor = sh('/usr/bin/tillbox', ['doctor', '--config', '/usr/share/tillbox/tillbox.example.yaml']);
    expect(doctor.out).toContain('tillbox doctor');
    expect([0, 2]).toContain(doctor.code); // 2: the example's serial ports are not on this machine
    const verify = sh('systemd-analyze', ['verify', '/usr/lib/systemd/system/tillbox.service']);
    expect(verify.out.split('\n').filter((l) => l.includes('tillbox.service'))).toEqual([]);

    // Upgrade over itself with a ledger from the previous schema (version 0: before migration 1).
    const ledger = '/var/lib/tillbox/ledger.db';
    new Database(ledger).close();
    execFileSync('chown', ['tillbox:tillbox', ledger]);
    const upgrade = sh('dpkg', ['-i', deb]);
    expect(upgrade.code, upgrade.out).toBe(0);
    const db = new Database(ledger, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LEDGER_SCHEMA_VERSION);
    db.close();
    const backups = readdirNames('/var/lib/tillbox/backups');
    expect(backups.some((b) => b.startsWith('pre-migrate-'))).toBe(true);
    expect(statSync(ledger).uid).toBe(uid);

    // A ledger from a newer tillbox: the upgrade stops, the file is left as it was.
    const newer = new Database(ledger);
    newer.pragma('user_version = 99');
    newer.close();
    const refused = sh('dpkg', ['-i', deb]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('TBX_SCHEMA_TOO_NEW');
    const after = new Database(ledger, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    after.close();

    // Purge: package files, data, config, user and unit state all gone.
    const purge = sh('dpkg', ['--purge', '--force-all', 'tillbox']);
    expect(purge.code, purge.out).toBe(0);
    installedByUs = false;
    for (const p of ['/usr/bin/tillbox', '/usr/lib/tillbox', '/var/lib/tillbox', '/etc/tillbox', '/usr/lib/systemd/system/tillbox.service', '/etc/systemd/system/multi-user.target.wants/tillbox.service']) {
      expect(existsSync(p), p).toBe(false);
    }
    expect(sh('getent', ['passwd', 'tillbox']).code).not.toBe(0);
    expect(machineIsClean()).toBe(true);
  }, 120_000);
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

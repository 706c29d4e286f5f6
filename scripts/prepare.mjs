#!/usr/bin/env node
// npm's `prepare` hook. It runs after `npm ci` in a clone, and again whenever `npx tillbox` links
// this package into npx's cache, so it builds dist/ with tsc only when a source is newer than the
// build (an up-to-date dist/ costs a directory walk, not a 15 s compile before every `npx tillbox`).
// A production install (`npm ci --omit=dev`, the Debian package's build) has no tsc: it then needs
// dist/ built already, and says so instead of failing on a missing dev dependency.
// Plain JS: tsx is a dev dependency too.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'cli.js');

/** Newest modification time of the build's inputs: src/ and the tsconfig files. */
function newestSource(dir = join(root, 'src')) {
  let newest = Math.max(statSync(join(root, 'tsconfig.json')).mtimeMs, statSync(join(root, 'tsconfig.build.json')).mtimeMs);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (tsc === undefined) {
  if (existsSync(built)) process.exit(0);
  process.stderr.write('tillbox prepare: TypeScript is not installed (production install) and dist/ is not built: run `npm ci` (with dev dependencies) and `npm run build` first\n');
  process.exit(1);
}
if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) process.exit(0);
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);

#!/usr/bin/env node
// npm's `prepare` hook (it runs after `npm ci` in a clone): builds dist/ with tsc when TypeScript is
// installed, so `npm ci && npx tillbox demo` works from a clean clone. A production install
// (`npm ci --omit=dev`, the Debian package's build) has no tsc: it then needs dist/ built already,
// and says so instead of failing on a missing dev dependency. Plain JS: tsx is a dev dependency too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (tsc === undefined) {
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
    process.stderr.write('tillbox prepare: TypeScript is not installed (production install) and dist/ is not built: run `npm ci` (with dev dependencies) and `npm run build` first\n');
    process.exit(1);
  }
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
process.exit(r.status ?? 1);

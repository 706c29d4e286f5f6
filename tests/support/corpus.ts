import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The evaluation corpus lives beside the repo in ../shared/corpus (never copied in).
 * Suites that need it call `corpusDir()`; when it is absent they skip and say so, unless
 * TBX_TEST_REQUIRE_REAL=1 (CI), where a missing corpus is a failure.
 */
export const CORPUS = resolve(process.env['TBX_TEST_CORPUS'] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus'));

export function corpusAvailable(sub = ''): boolean {
  const ok = existsSync(join(CORPUS, sub));
  if (!ok) {
    if (process.env['TBX_TEST_REQUIRE_REAL'] === '1') throw new Error(`corpus not found at ${join(CORPUS, sub)} (TBX_TEST_REQUIRE_REAL=1)`);
    console.warn(`skipping: corpus not found at ${join(CORPUS, sub)}`);
  }
  return ok;
}

export function corpusFile(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

/** For suites that need a system tool (socat, mosquitto, chromium): skip only outside CI. */
export function toolAvailable(path: string): boolean {
  const ok = existsSync(path);
  if (!ok) {
    if (process.env['TBX_TEST_REQUIRE_REAL'] === '1') throw new Error(`${path} is missing but TBX_TEST_REQUIRE_REAL=1: .ci/run should have installed it`);
    console.warn(`skipping: ${path} not installed`);
  }
  return ok;
}

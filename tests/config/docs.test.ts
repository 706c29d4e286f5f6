import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../scripts/config-docs.js';
import { ERROR_CODES } from '../../src/errors.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('documentation kept in step with the code', () => {
  it('README configuration and error tables match the schema and the error codes (npx tsx scripts/config-docs.ts --write)', () => {
    expect(renderReadme(readme)).toBe(readme);
  });

  it('error codes are unique, prefixed and each documented in the README', () => {
    const codes = Object.keys(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^TBX_[A-Z_]+$/);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});

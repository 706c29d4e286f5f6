import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, render } from '../../scripts/config-docs.js';
import { ERROR_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

describe('documentation kept in step with the code', () => {
  it.each(GENERATED.map((g) => [g.file, g] as const))('%s matches the code (npx tsx scripts/config-docs.ts --write)', (file, g) => {
    const text = read(file);
    expect(render(text, g.marker, g.body())).toBe(text);
  });

  it('error codes are unique, prefixed and each documented in docs/errors.md', () => {
    const errors = read('docs/errors.md');
    const codes = Object.keys(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^TBX_[A-Z_]+$/);
      expect(errors).toContain(`\`${code}\``);
    }
  });

  it('every docs/ page the README links to exists', () => {
    const links = [...read('README.md').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(() => read(link), link).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { ROOT, type CommandDef, type Node } from '../../src/escpos/commands.js';
import { HANDLERS } from '../../src/escpos/effects.js';

function defs(nodes: readonly (Node | undefined)[], out: CommandDef[] = []): CommandDef[] {
  for (const n of nodes) {
    if (n === undefined) continue;
    if (n.def) out.push(n.def);
    if (n.wildcard) out.push(n.wildcard);
    if (n.children) defs(n.children, out);
  }
  return out;
}

describe('command table', () => {
  const all = defs(ROOT);

  it('covers the commands the issue lists', () => {
    const names = new Set(all.map((d) => d.name));
    for (const n of [
      'ESC @', 'ESC !', 'GS !', 'ESC a', 'ESC E', 'ESC G', 'ESC -', 'GS B', 'ESC 4', 'ESC t', 'ESC R', 'FS &', 'FS .', 'FS C', 'FS ( C', 'ESC $', 'ESC \\',
      'HT', 'ESC D', 'ESC d', 'ESC J', 'LF', 'CR', 'GS V', 'ESC i', 'ESC m', 'GS k', 'GS ( k', 'GS v 0', 'ESC *', 'GS ( L', 'GS 8 L', 'FS p',
      'DLE EOT', 'DLE ENQ', 'DLE DC4', 'GS a', 'GS r', 'GS I', 'ESC p', 'ESC =', 'ESC L', 'ESC S', 'ESC W', 'ESC T',
    ]) expect(names.has(n), n).toBe(true);
  });

  it('every entry has a handler and a length rule that asks for bytes or answers', () => {
    for (const d of all) {
      expect(typeof HANDLERS[d.effect], d.name).toBe('function');
      const first = d.args(new Uint8Array(0), 0);
      expect(Number.isInteger(first), d.name).toBe(true);
    }
  });
});

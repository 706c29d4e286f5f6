/**
 * A small parser for JavaScript regular expressions in u-mode (the profiles compile with `iu`),
 * into just the shape the safety check needs: character sets, sequences, alternations,
 * repetitions, look-arounds, assertions and back-references. It runs only on patterns V8 has
 * already accepted, so it does not re-validate syntax; what it does not model it approximates
 * conservatively (a \p{…} property is "any character").
 */
import { ANY, DIGIT, DOT, SPACE, WORD, complement, foldCase, single, union, type CharSet } from './charset.js';

export type RegexNode =
  | { k: 'set'; set: CharSet }
  | { k: 'seq'; items: RegexNode[] }
  | { k: 'alt'; alts: RegexNode[] }
  | { k: 'rep'; min: number; max: number; body: RegexNode; src: string }
  | { k: 'look'; body: RegexNode }
  | { k: 'assert'; start: boolean }
  | { k: 'backref' };

const CONTROL: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

export function parseRegex(pattern: string, ignoreCase = true): RegexNode {
  const cps = [...pattern];
  let i = 0;
  const peek = (o = 0): string | undefined => cps[i + o];
  const fold = (s: CharSet): CharSet => (ignoreCase ? foldCase(s) : s);

  function hex(n: number): number {
    const h = cps.slice(i, i + n).join('');
    i += n;
    return parseInt(h, 16);
  }

  /** After a backslash: a character, or a class escape's set. */
  function escape(inClass: boolean): { cp: number } | { set: CharSet } | { assert: boolean } | { backref: true } {
    const c = cps[i++] ?? '';
    switch (c) {
      case 'd': return { set: DIGIT };
      case 'D': return { set: complement(DIGIT) };
      case 'w': return { set: WORD };
      case 'W': return { set: complement(WORD) };
      case 's': return { set: SPACE };
      case 'S': return { set: complement(SPACE) };
      case 'p':
      case 'P':
        while (i < cps.length && cps[i] !== '}') i++;
        i++;
        return { set: ANY };
      case 'b': return inClass ? { cp: 8 } : { assert: false };
      case 'B': return { assert: false };
      case 'k':
        while (i < cps.length && cps[i] !== '>') i++;
        i++;
        return { backref: true };
      case 'c': return { cp: (cps[i++]?.codePointAt(0) ?? 64) % 32 };
      case 'x': return { cp: hex(2) };
      case 'u': {
        if (peek() === '{') {
          i++;
          let h = '';
          while (i < cps.length && cps[i] !== '}') h += cps[i++];
          i++;
          return { cp: parseInt(h, 16) };
        }
        const lead = hex(4);
        if (lead >= 0xd800 && lead <= 0xdbff && peek() === '\\' && peek(1) === 'u') {
          const save = i;
          i += 2;
          const trail = hex(4);
          if (trail >= 0xdc00 && trail <= 0xdfff) return { cp: (lead - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000 };
          i = save;
        }
        return { cp: lead };
      }
      default:
        if (c in CONTROL) return { cp: CONTROL[c] as number };
        if (c === '0') return { cp: 0 };
        if (/[1-9]/.test(c)) {
          while (/[0-9]/.test(peek() ?? '')) i++;
          return { backref: true };
        }
        return { cp: c.codePointAt(0) ?? 0 };
    }
  }

  function charClass(): CharSet {
    i++; // [
    const negate = peek() === '^';
    if (negate) i++;
    const parts: CharSet[] = [];
    const atom = (): { cp: number } | { set: CharSet } => {
      const c = cps[i++] ?? '';
      if (c !== '\\') return { cp: c.codePointAt(0) ?? 0 };
      const e = escape(true);
      return 'cp' in e || 'set' in e ? e : { set: ANY };
    };
    while (i < cps.length && peek() !== ']') {
      const a = atom();
      if ('cp' in a && peek() === '-' && peek(1) !== ']' && peek(1) !== undefined) {
        i++;
        const b = atom();
        parts.push('cp' in b ? [[a.cp, b.cp]] : union(single(a.cp), single(0x2d), b.set));
      } else parts.push('cp' in a ? single(a.cp) : a.set);
    }
    i++; // ]
    const set = fold(union(...parts));
    return negate ? complement(set) : set;
  }

  function alternation(): RegexNode {
    const alts = [sequence()];
    while (peek() === '|') {
      i++;
      alts.push(sequence());
    }
    return alts.length === 1 ? (alts[0] as RegexNode) : { k: 'alt', alts };
  }

  function sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (i < cps.length && peek() !== '|' && peek() !== ')') {
      const before = i;
      items.push(term());
      if (i === before) throw new Error(`cannot analyse the pattern at character ${i}`);
    }
    return { k: 'seq', items };
  }

  function group(): RegexNode {
    i++; // (
    let look = false;
    if (peek() === '?') {
      const next = peek(1);
      if (next === ':') i += 2;
      else if (next === '=' || next === '!') {
        i += 2;
        look = true;
      } else if (next === '<' && (peek(2) === '=' || peek(2) === '!')) {
        i += 3;
        look = true;
      } else if (next === '<') {
        while (i < cps.length && cps[i] !== '>') i++;
        i++;
      }
    }
    const body = alternation();
    i++; // )
    return look ? { k: 'look', body } : body;
  }

  function term(): RegexNode {
    const start = i;
    const c = peek() ?? '';
    let atom: RegexNode;
    if (c === '^' || c === '$') {
      i++;
      return { k: 'assert', start: c === '^' };
    } else if (c === '(') atom = group();
    else if (c === '[') atom = { k: 'set', set: charClass() };
    else if (c === '.') {
      i++;
      atom = { k: 'set', set: DOT };
    } else if (c === '\\') {
      i++;
      const e = escape(false);
      if ('assert' in e) return { k: 'assert', start: false };
      atom = 'backref' in e ? { k: 'backref' } : { k: 'set', set: 'cp' in e ? fold(single(e.cp)) : e.set };
    } else {
      i++;
      atom = { k: 'set', set: fold(single(c.codePointAt(0) ?? 0)) };
    }
    const q = quantifier();
    if (q === null) return atom;
    return { k: 'rep', min: q.min, max: q.max, body: atom, src: cps.slice(start, i).join('') };
  }

  function quantifier(): { min: number; max: number } | null {
    const c = peek();
    let q: { min: number; max: number } | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(cps.slice(i, i + 24).join(''));
      if (m === null) return null;
      i += m[0].length - 1;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]) };
    }
    if (q === null) return null;
    i++;
    if (peek() === '?') i++; // lazy: the same matches, tried in another order
    return q;
  }

  return alternation();
}

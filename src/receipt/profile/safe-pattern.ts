/**
 * Refuses profile patterns that can backtrack catastrophically in V8's backtracking engine
 * (issue 17: `^(-+)+X$`, pushed by head office, pinned the analytics child at 100 % CPU). Four
 * rules, each conservative (a safe pattern may be refused; the message says how to rewrite it):
 *
 * 1. No back-references (matching with them is NP-hard in general).
 * 2. Nested quantifiers: inside a repeated group, a variable-length part must not be able to
 *    match what can come right after it (the group's next iteration included): `(-+)+`, `(\w+\s?)+`
 *    and `(a+a)+` are refused, `(\d{1,3},)+` and `(\S+\s+)+` are not (star height above one only
 *    where the repetitions can trade characters).
 * 3. Overlapping alternation under a quantifier: alternatives of a repeated group must not start
 *    with the same character: `(a|ab)+`, `(\d|\w)*` are refused.
 * 4. Polynomial degree: unbounded quantifiers that can take turns over the same characters,
 *    one after another (`.*.*.*.*`, an unanchored `\d+\d+\d+`), at most MAX_PATTERN_DEGREE deep.
 *    With lines capped at MAX_PROFILE_LINE_CHARS (apply.ts) a match then costs at most ~n^4 steps.
 */
import { ANY, intersects, union, type CharSet } from './charset.js';
import { parseRegex, type RegexNode } from './regex-ast.js';

/** The longest pattern a profile may use. */
export const MAX_PATTERN_CHARS = 512;
/** Counted repetitions beyond this ({1,100000}) blow up the compiled program; refused. */
export const MAX_COUNTED_REPEAT = 1000;
/** Rule 4's bound on chained overlapping quantifiers (counting the unanchored search as one). */
export const MAX_PATTERN_DEGREE = 3;
/** A counted repetition up to this many is "bounded" for rule 4; above it, it counts as unbounded. */
const BOUNDED_REPEAT = 8;

type Rep = Extract<RegexNode, { k: 'rep' }>;

/** null when the pattern is safe to run on untrusted text, else the reason (one sentence). */
export function unsafePatternReason(pattern: string): string | null {
  if ([...pattern].length > MAX_PATTERN_CHARS) return `longer than ${MAX_PATTERN_CHARS} characters`;
  let root: RegexNode;
  try {
    root = parseRegex(pattern);
  } catch (err) {
    // Only patterns V8 accepted get here; one this parser does not follow is refused, not trusted.
    return `cannot be checked for catastrophic backtracking (${(err as Error).message})`;
  }
  const props = new Props();
  let reason: string | null = null;
  const visit = (n: RegexNode): void => {
    if (reason !== null) return;
    if (n.k === 'backref') reason = 'back-references (\\1, \\k<name>) are not allowed in profile patterns';
    else if (n.k === 'rep') {
      if ((n.max !== Infinity && n.max > MAX_COUNTED_REPEAT) || n.min > MAX_COUNTED_REPEAT) reason = `'${n.src}': counted repetition above ${MAX_COUNTED_REPEAT}`;
      else if (n.max > 1) reason = insideRepeat(n.body, union(props.first(n.body)), n, props);
      visit(n.body);
    } else if (n.k === 'seq') n.items.forEach(visit);
    else if (n.k === 'alt') n.alts.forEach(visit);
    else if (n.k === 'look') visit(n.body);
  };
  visit(root);
  if (reason !== null) return reason;
  const degree = polynomialDegree(root, props);
  if (degree > MAX_PATTERN_DEGREE) {
    return `${degree} quantifiers in a row can match the same characters (at most ${MAX_PATTERN_DEGREE}); can backtrack for a very long time: anchor it with ^, or use narrower classes such as \\S+ or \\d+ between separators`;
  }
  return null;
}

/** Rules 2 and 3 for the body of one repetition `outer`; `follow` is what can come next. */
function insideRepeat(n: RegexNode, follow: CharSet, outer: Rep, props: Props): string | null {
  switch (n.k) {
    case 'seq': {
      let f = follow;
      for (let i = n.items.length - 1; i >= 0; i--) {
        const item = n.items[i] as RegexNode;
        const r = insideRepeat(item, f, outer, props);
        if (r !== null) return r;
        f = props.nullable(item) ? union(props.first(item), f) : props.first(item);
      }
      return null;
    }
    case 'alt': {
      const starts = n.alts.map((a) => (props.nullable(a) ? union(props.first(a), follow) : props.first(a)));
      for (let a = 0; a < starts.length; a++) {
        for (let b = a + 1; b < starts.length; b++) {
          if (intersects(starts[a] as CharSet, starts[b] as CharSet)) return `'${outer.src}': alternatives inside a repeated group can match the same text (overlapping alternation under a quantifier): can backtrack catastrophically; make the alternatives start differently`;
        }
      }
      for (const a of n.alts) {
        const r = insideRepeat(a, follow, outer, props);
        if (r !== null) return r;
      }
      return null;
    }
    case 'rep': {
      if (n.min < n.max && intersects(props.chars(n.body), follow)) {
        return `'${n.src}' inside '${outer.src}': nested quantifiers that can match the same characters can backtrack catastrophically (star height above one); remove the inner or the outer repetition, or separate them with a character the inner one cannot match`;
      }
      return insideRepeat(n.body, n.max > 1 ? union(props.first(n.body), follow) : follow, outer, props);
    }
    default:
      return null;
  }
}

interface Member {
  set: CharSet;
  deg: number;
}

/**
 * Rule 4. Walks the pattern left to right keeping the unbounded quantifiers still "in play": a
 * mandatory character drops those that cannot match it (their end is then pinned), and a new
 * quantifier's degree is one more than the deepest one in play it overlaps.
 */
function polynomialDegree(root: RegexNode, props: Props): number {
  let max = 0;
  const step = (n: RegexNode, st: Member[]): Member[] => {
    switch (n.k) {
      case 'set':
        return st.filter((m) => intersects(m.set, n.set));
      case 'seq':
        return n.items.reduce((s, item) => step(item, s), st);
      case 'alt':
        return [...new Set(n.alts.flatMap((a) => step(a, st)))];
      case 'look':
        step(n.body, st);
        return st;
      case 'rep': {
        const once = step(n.body, st);
        if (n.max !== Infinity && n.max <= BOUNDED_REPEAT) return n.min >= 1 ? once : [...new Set([...st, ...once])];
        const base = n.min >= 1 ? once : st;
        const set = props.chars(n.body);
        const deg = 1 + Math.max(0, ...base.filter((m) => intersects(m.set, set)).map((m) => m.deg));
        max = Math.max(max, deg);
        return [...base, { set, deg }];
      }
      default:
        return st;
    }
  };
  const alts = root.k === 'alt' ? root.alts : [root];
  for (const alt of alts) {
    const first = alt.k === 'seq' ? alt.items[0] : alt;
    const anchored = first?.k === 'assert' && first.start;
    // An unanchored pattern is tried at every position: the search itself is one quantifier.
    const start: Member[] = anchored ? [] : [{ set: ANY, deg: 1 }];
    max = Math.max(max, anchored ? 0 : 1);
    step(alt, start);
  }
  return max;
}

/** nullable / first / chars of a node, memoised. */
class Props {
  private readonly memo = new Map<RegexNode, { nullable: boolean; first: CharSet; chars: CharSet }>();

  nullable(n: RegexNode): boolean {
    return this.of(n).nullable;
  }

  first(n: RegexNode): CharSet {
    return this.of(n).first;
  }

  chars(n: RegexNode): CharSet {
    return this.of(n).chars;
  }

  private of(n: RegexNode): { nullable: boolean; first: CharSet; chars: CharSet } {
    const hit = this.memo.get(n);
    if (hit !== undefined) return hit;
    let p: { nullable: boolean; first: CharSet; chars: CharSet };
    switch (n.k) {
      case 'set':
        p = { nullable: false, first: n.set, chars: n.set };
        break;
      case 'seq': {
        let nullable = true;
        const first: CharSet[] = [];
        for (const item of n.items) {
          if (!nullable) break;
          first.push(this.first(item));
          nullable = this.nullable(item);
        }
        p = { nullable, first: union(...first), chars: union(...n.items.map((x) => this.chars(x))) };
        break;
      }
      case 'alt':
        p = { nullable: n.alts.some((a) => this.nullable(a)), first: union(...n.alts.map((a) => this.first(a))), chars: union(...n.alts.map((a) => this.chars(a))) };
        break;
      case 'rep':
        p = { nullable: n.min === 0 || this.nullable(n.body), first: this.first(n.body), chars: this.chars(n.body) };
        break;
      case 'backref':
        p = { nullable: true, first: ANY, chars: ANY };
        break;
      default:
        p = { nullable: true, first: [], chars: [] };
    }
    this.memo.set(n, p);
    return p;
  }
}

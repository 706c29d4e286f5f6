/**
 * The profile pattern safety check (issue 17 item 3): known catastrophic patterns are refused,
 * every shipped pattern passes, and a property test over random patterns: each is either refused
 * or matches pathological input within a bound. The random patterns run in a separate node
 * process that is killed on a timeout, so a pattern the check wrongly lets through fails the
 * test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MAX_PROFILE_LINE_CHARS, profileFromObject, shippedProfilesDir } from '../../src/receipt/index.js';
import { unsafePatternReason } from '../../src/receipt/profile/safe-pattern.js';
import { seededRandom as rng } from '../../src/demo/random.js';

const CATASTROPHIC = [
  '品名.*数量.*单价.*金额.*X',
  '^(-+)+X$', '(a+)+b', '(a|a)*b', '(a|ab)+c', '(\\w+\\s?)+$', '(a+a)+b', '(x+x+)+y', '(\\d+)*$', '([a-z]+)*$', '(a?a?)+b',
  '^(\\s*\\S+)+$', '(?:a|b|ab)*c', '(.*a){3}', '.*.*.*.*X', '^\\w+\\w+\\w+\\w+\\w+X', '(\\d|\\w)+!', '((ab)*a)*c', '(?:\\S+\\s*)+X',
  '(a)\\1', '(?<x>a)\\k<x>', 'a{1,5000}',
];
const SAFE = ['^(?:[a-z0-9]+\\.)+[a-z]{2,}$', '(\\d{1,3},)+', '(\\S+\\s+)+', '^\\d+:\\d+$', '(?:-?\\d)+', '单号:\\s*(\\S+)', '^合计:?\\s*(-?\\d+\\.\\d{2})$'];

function shippedPatterns(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && !['name', 'description', 'currency', 'dateOrder', 'method'].includes(key)) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  const dir = shippedProfilesDir();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) walk(parseYaml(readFileSync(join(dir, f), 'utf8')), '');
  return out;
}


const ATOMS = ['a', 'b', '-', '1', ' ', '.', '\\d', '\\w', '\\s', '\\S', '[ab]', '[^a]', '[a-]', 'X'];
const QUANTS = ['', '', '*', '+', '?', '{1,3}', '{2,}', '*?', '+?'];

function randomPattern(r: () => number, depth = 0): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const n = 1 + Math.floor(r() * 4);
  let out = '';
  for (let i = 0; i < n; i++) {
    const roll = r();
    let term: string;
    if (roll < 0.25 && depth < 3) term = `(${randomPattern(r, depth + 1)}${r() < 0.35 ? `|${randomPattern(r, depth + 1)}` : ''})`;
    else term = pick(ATOMS);
    out += term + pick(QUANTS);
  }
  return (depth === 0 && r() < 0.4 ? '^' : '') + out + (depth === 0 && r() < 0.5 ? '$' : '');
}

/** Inputs that make a backtracking engine work hardest: long runs of what the pattern takes, then a misfit. */
function pathological(): string[] {
  const runs = ['a', '-', '1', ' ', 'ab', 'a1 ', 'a-', 'aX', 'b a'];
  const n = MAX_PROFILE_LINE_CHARS;
  return runs.flatMap((u) => [u.repeat(Math.ceil(n / u.length)).slice(0, n - 1) + '!', u.repeat(Math.ceil(n / u.length)).slice(0, n)]);
}

/** Runs patterns × inputs in a child node; resolves the slowest call in ms, or rejects on timeout. */
function timeInChild(patterns: string[], inputs: string[], timeoutMs: number): Promise<{ slowestMs: number; pattern: string }> {
  const script = `
    const { patterns, inputs } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    let slowest = { slowestMs: 0, pattern: '' };
    for (const p of patterns) {
      const re = new RegExp(p, 'iu');
      for (const s of inputs) {
        process.stderr.write(JSON.stringify(p) + '\\n');
        const t = performance.now(); re.test(s); const ms = performance.now() - t;
        if (ms > slowest.slowestMs) slowest = { slowestMs: ms, pattern: p };
      }
    }
    process.stdout.write(JSON.stringify(slowest));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let last = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (last = d.toString().trim().split('\n').pop() ?? last));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`a pattern the check accepted ran for over ${timeoutMs} ms: ${last}`));
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      if (out !== '') resolve(JSON.parse(out) as { slowestMs: number; pattern: string });
    });
    child.stdin.end(JSON.stringify({ patterns, inputs }));
  });
}

describe('profile pattern safety', () => {
  it('refuses catastrophic patterns with a reason', () => {
    for (const p of CATASTROPHIC) expect(unsafePatternReason(p), p).not.toBeNull();
  });

  it('accepts safe patterns and every pattern of the shipped profiles', () => {
    for (const p of [...SAFE, ...shippedPatterns()]) expect(unsafePatternReason(p), p).toBeNull();
    expect(shippedPatterns().length).toBeGreaterThan(50);
  });

  it('refuses the issue 17 profile at validation, naming the key, wherever it comes from', () => {
    expect(() => profileFromObject(parseYaml('name: redos\nmatch:\n  all: ["^(-+)+X$"]\n'), 'config/profiles[0]')).toThrow(/config\/profiles\[0\]: match\.all\[0\]: .*nested quantifiers/);
    expect(() => profileFromObject({ name: 'x', match: { any: ['ok'] }, items: { rows: [['^(?<name>(\\w+\\s?)+)(?<amount>\\d+)$']] } })).toThrow(/items\.rows\[0\]\[0\]/);
  });

  it('property: the check never throws and always answers, for any pattern V8 accepts', () => {
    const alphabet = ['a', 'b', '-', '(', ')', '(?:', '(?=', '(?<=', '(?<n>', '[', ']', '[^', '^', '$', '|', '*', '+', '?', '{2}', '{1,}', '{0,3}', '\\', '\\d', '\\b', '\\p{L}', '\\u{1F600}', '\\uD83D\\uDE00', '\\x41', '\\cJ', '\\k<n>', '\\1', '.', '品', '-z'];
    let compiled = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const r = rng(seed);
      let p = '';
      for (let k = 1 + Math.floor(r() * 10); k > 0; k--) p += alphabet[Math.floor(r() * alphabet.length)];
      try {
        new RegExp(p, 'iu');
      } catch {
        continue;
      }
      compiled++;
      const reason = unsafePatternReason(p);
      expect(reason === null || typeof reason === 'string').toBe(true);
    }
    expect(compiled).toBeGreaterThan(1000);
  });

  it('property: a random pattern is refused, or matches pathological text within a bound', async () => {
    const accepted: string[] = [];
    let refused = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const p = randomPattern(rng(seed));
      try {
        new RegExp(p, 'iu');
      } catch {
        continue;
      }
      if (unsafePatternReason(p) === null) accepted.push(p);
      else refused++;
    }
    // The check is not a blanket refusal: most random patterns pass, a good share is refused.
    expect(accepted.length).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(100);
    // Exponential patterns on 96 characters would run for ages; the bound is generous for a loaded machine.
    const slowest = await timeInChild(accepted, pathological(), 60_000);
    expect(slowest.slowestMs, slowest.pattern).toBeLessThan(1000);
  }, 90_000);
});

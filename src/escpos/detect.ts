import { DETECT_ENCODINGS, type DetectEncoding } from './detect-sets.js';
import { PAGE_CANDIDATES, scoreDoubleByte, scoreSinglePage, type PageCandidate } from './detect-score.js';

/**
 * Which text the printer is receiving when the POS never says (no FS & / FS . / ESC t): double-byte
 * text and in which encoding, or single-byte text in which code page. Evidence from each document
 * (how its high bytes read under every candidate) is added to a per-till score that forgets slowly,
 * so one short or ASCII-only receipt cannot flip a till's decision, while a till that really
 * changed is followed within a few receipts. Pure: state in, state out.
 */
export type TextMode = 'double-byte' | 'single-byte';

/** What a document's text bytes said, collected by the interpreter (evidence.ts). */
export interface DocEvidence {
  /** Text bytes printed while neither FS & / FS . nor (for code pages) ESC t had been sent since power-on. */
  implicit: Uint8Array;
  /** Text bytes printed after ESC t (the page is known; the mode is not). */
  paged: Uint8Array;
  /** The ESC t page in force for `paged`. */
  page: number;
  /** Text bytes printed in double-byte mode set by FS &: only the encoding is open. */
  dbcs: Uint8Array;
}

/** What the installer fixed in config (undefined: detect). */
export interface FixedText {
  doubleByte?: boolean;
  encoding?: DetectEncoding;
  codePage?: number;
}

/** The per-till memory, saved with the pipeline position (plain JSON). */
export interface TextPrior {
  /** Score per hypothesis ('dbcs:gb18030', 'page:0', …) for the power-on mode; best is 0. */
  mode: Record<string, number>;
  /** Score per double-byte encoding, from all double-byte evidence. */
  encoding: Record<string, number>;
  /** Documents that carried evidence (any, and about the power-on mode), and all documents seen. */
  evidenceDocuments: number;
  modeDocuments: number;
  documents: number;
}

export interface TextDecision {
  mode: TextMode;
  encoding: DetectEncoding;
  codePage: number;
  /** 0.5 (a coin toss) .. 1; 1 when nothing was left to detect. */
  confidence: number;
}

/** How fast old evidence fades per document that has some, and how much one document may move a score. */
const DECAY = 0.85;
const DOC_CAP = 200;
const SCORE_FLOOR = -120;
/** Before any evidence: what printers do out of the box (Epson default CP437, GB18030 for FS &). */
// Leaving CP437 for double-byte text takes about two characters' worth of evidence: a stray pair
// of high bytes in a Western receipt (UTF-8 sent raw, a logo's text) does not switch a till.
const START_BIAS: Record<string, number> = { 'page:0': 0, 'dbcs:gb18030': -8 };
/**
 * How common each reading is among tills at all (log prior, never fading): CP437 is every
 * printer's default; TCVN-3 is rare and reads many Latin letters as Vietnamese ones.
 */
const STATIC_PRIOR: Record<string, number> = { 'page:0': 0, 'page:21': -3, 'page:52': -2, 'page:30': -4 };
const staticPrior = (k: string): number => STATIC_PRIOR[k] ?? -1;

/** Below this the page says "unsure". */
export const UNSURE_CONFIDENCE = 0.9;

const dbcsKey = (e: DetectEncoding): string => `dbcs:${e}`;
const pageKey = (p: number): string => `page:${p}`;

export function hypotheses(fixed: FixedText): { dbcs: DetectEncoding[]; pages: PageCandidate[] } {
  const dbcs = fixed.doubleByte === false ? [] : fixed.encoding !== undefined ? [fixed.encoding] : [...DETECT_ENCODINGS];
  const pages =
    fixed.doubleByte === true ? [] : fixed.codePage !== undefined ? [PAGE_CANDIDATES.find((c) => c.page === fixed.codePage) ?? { page: fixed.codePage, script: 'latin' as const, label: `page ${fixed.codePage}` }] : [...PAGE_CANDIDATES];
  return { dbcs, pages };
}

export function emptyPrior(fixed: FixedText = {}): TextPrior {
  const { dbcs, pages } = hypotheses(fixed);
  const mode: Record<string, number> = {};
  for (const e of dbcs) mode[dbcsKey(e)] = START_BIAS[dbcsKey(e)] ?? -9;
  for (const p of pages) mode[pageKey(p.page)] = START_BIAS[pageKey(p.page)] ?? -1;
  const encoding: Record<string, number> = {};
  // FS & printers sold here default to GB18030: another encoding takes a few characters' evidence.
  for (const e of dbcs.length > 0 ? dbcs : [...DETECT_ENCODINGS]) encoding[e] = e === 'gb18030' ? 0 : -8;
  return { mode, encoding, evidenceDocuments: 0, modeDocuments: 0, documents: 0 };
}

function hasHigh(s: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if ((s[i] as number) >= 0x80) return true;
  return false;
}

function update(scores: Record<string, number>, lls: Record<string, number>): Record<string, number> {
  const best = Math.max(...Object.values(lls));
  const next: Record<string, number> = {};
  for (const [k, v] of Object.entries(scores)) {
    const d = Math.max(-DOC_CAP, (lls[k] ?? best - DOC_CAP) - best);
    next[k] = Math.max(SCORE_FLOOR, DECAY * v + d);
  }
  const top = Math.max(...Object.values(next));
  for (const k of Object.keys(next)) next[k] = (next[k] as number) - top;
  return next;
}

/** Margin (nats) past which a till's decision is settled: a document that reads well under it only confirms it. */
export const SETTLED_MARGIN = 20;
/** A document "reads well": this share of its high bytes in valid characters, and of those in the common set. */
const FIT_VALID = 0.98;
const FIT_COMMON = 0.8;

/** Bytes of a document the settled check reads (its head says enough; the rest is decoded anyway). */
const FIT_SAMPLE = 1024;

/**
 * Readings that can also pass the fit test of `e`: EUC-KR hangul (0xB0A1–0xC8FE) are all GB2312
 * level-1 hanzi too. The other way round (and for Big5 and Shift_JIS) the wrong reading leaves
 * the common block and fails the fit test by itself.
 */
const PASSES_AS: Partial<Record<DetectEncoding, DetectEncoding[]>> = { gb18030: ['euc-kr'] };

/** The document reads well as `e`, and better than as a reading that could pass for it. */
function fitsDbcs(e: DetectEncoding, s: Uint8Array): boolean {
  const sample = s.subarray(0, FIT_SAMPLE);
  const st = scoreDoubleByte(e, sample);
  if (st.validBytes < FIT_VALID * st.highBytes || st.common < FIT_COMMON * st.chars) return false;
  return (PASSES_AS[e] ?? []).every((o) => scoreDoubleByte(o, sample).ll < st.ll);
}

/** The document reads well on `page` (letters in words, not runs of accented letters), and better than as double-byte text. */
function fitsPage(page: number, s: Uint8Array): boolean {
  const c = PAGE_CANDIDATES.find((p) => p.page === page);
  if (c === undefined) return false;
  const sample = s.subarray(0, FIT_SAMPLE);
  const st = scoreSinglePage(c, sample);
  if (st.letters + st.symbols < FIT_COMMON * st.highBytes) return false;
  // Latin-script text keeps accented letters apart; double-byte text read on such a page does not.
  const runs = c.script !== 'cyrillic' && c.script !== 'thai';
  if (runs && st.highRuns > 0.5 * st.highBytes) return false;
  const mine = st.ll + staticPrior(pageKey(page));
  return PAGE_CANDIDATES.every((o) => o.page === page || scoreSinglePage(o, sample).ll + staticPrior(pageKey(o.page)) <= mine) && (runs || DETECT_ENCODINGS.every((e) => scoreDoubleByte(e, sample).ll < st.ll));
}

/**
 * The cheap path for the usual case, a settled till printing more of the same: only the readings
 * that could take over are scored, and when the document reads best under the decision in force
 * the scores stay as they are.
 */
function confirms(prior: TextPrior, ev: DocEvidence, fixed: FixedText): boolean {
  if ((prior.modeDocuments ?? 0) === 0 && hasHigh(ev.implicit)) return false;
  const { d, modeMargin: mm, encMargin } = summary(prior, fixed);
  const modeSettled = fixed.doubleByte !== undefined || mm >= SETTLED_MARGIN;
  const encSettled = fixed.encoding !== undefined || encMargin >= SETTLED_MARGIN;
  if (hasHigh(ev.implicit)) {
    if (!modeSettled) return false;
    if (d.mode === 'double-byte' ? !encSettled || !fitsDbcs(d.encoding, ev.implicit) : !fitsPage(d.codePage, ev.implicit)) return false;
  }
  if (hasHigh(ev.paged) && (!modeSettled || d.mode === 'double-byte' || !fitsPage(ev.page, ev.paged))) return false;
  if (hasHigh(ev.dbcs) && (!encSettled || !fitsDbcs(d.encoding, ev.dbcs))) return false;
  return true;
}

/** The prior after one document's evidence (a new object; `prior` is not changed). */
export function observe(prior: TextPrior, ev: DocEvidence, fixed: FixedText = {}): TextPrior {
  const implicitHigh = hasHigh(ev.implicit) || hasHigh(ev.paged);
  if (confirms(prior, ev, fixed)) {
    const any = implicitHigh || hasHigh(ev.dbcs);
    return { ...prior, evidenceDocuments: prior.evidenceDocuments + (any ? 1 : 0), modeDocuments: (prior.modeDocuments ?? 0) + (implicitHigh ? 1 : 0), documents: prior.documents + 1 };
  }
  const { dbcs, pages } = hypotheses(fixed);
  let { mode, encoding } = prior;
  const dbcsLl: Record<string, number> = {};
  let any = false;
  const implicit = hasHigh(ev.implicit);
  const paged = hasHigh(ev.paged);
  if (implicit || paged) {
    const lls: Record<string, number> = {};
    for (const e of dbcs) {
      const ll = (implicit ? scoreDoubleByte(e, ev.implicit).ll : 0) + (paged ? scoreDoubleByte(e, ev.paged).ll : 0);
      lls[dbcsKey(e)] = ll;
      dbcsLl[e] = ll;
    }
    const pagedCandidate = PAGE_CANDIDATES.find((c) => c.page === ev.page);
    // ESC t was sent: a printer in single-byte mode uses that page, whatever this till's default.
    const pagedLl = paged ? (pagedCandidate !== undefined ? scoreSinglePage(pagedCandidate, ev.paged).ll : scoreSinglePage(PAGE_CANDIDATES[0] as PageCandidate, ev.paged).ll) : 0;
    for (const p of pages) lls[pageKey(p.page)] = (implicit ? scoreSinglePage(p, ev.implicit).ll : 0) + pagedLl;
    mode = update(mode, lls);
    any = true;
    // Power-on text tells about the encoding only when it is double-byte text.
    if (!best(mode).key.startsWith('dbcs:')) for (const k of Object.keys(dbcsLl)) delete dbcsLl[k];
  }
  if (hasHigh(ev.dbcs)) {
    for (const e of Object.keys(encoding) as DetectEncoding[]) dbcsLl[e] = (dbcsLl[e] ?? 0) + scoreDoubleByte(e, ev.dbcs).ll;
    any = true;
  }
  if (Object.keys(dbcsLl).length > 0) encoding = update(encoding, dbcsLl);
  return { mode, encoding, evidenceDocuments: prior.evidenceDocuments + (any ? 1 : 0), modeDocuments: (prior.modeDocuments ?? 0) + (implicit || paged ? 1 : 0), documents: prior.documents + 1 };
}

const logistic = (m: number): number => 1 / (1 + Math.exp(-m));

function best(scores: Record<string, number>): { key: string; margin: number } {
  const sorted = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const [first, second] = sorted;
  return { key: first?.[0] ?? '', margin: first === undefined || second === undefined ? Infinity : first[1] - second[1] };
}

function withStatic(scores: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in scores) out[k] = (scores[k] as number) + staticPrior(k);
  return out;
}

interface Summary {
  enc: TextPrior['encoding'];
  fixed: FixedText;
  modeDocuments: number;
  evidenceDocuments: number;
  d: TextDecision;
  modeMargin: number;
  encMargin: number;
}
// Scores objects are never changed after they are made, so a decision is worked out once per scores
// object (a settled till's documents keep the same objects).
const summaries = new WeakMap<TextPrior['mode'], Summary>();

function summary(prior: TextPrior, fixed: FixedText): Summary {
  const s = summaries.get(prior.mode);
  if (s !== undefined && s.enc === prior.encoding && s.fixed === fixed && s.modeDocuments === Math.min(1, prior.modeDocuments ?? 0) && s.evidenceDocuments === Math.min(1, prior.evidenceDocuments)) return s;
  const fresh: Summary = {
    enc: prior.encoding,
    fixed,
    modeDocuments: Math.min(1, prior.modeDocuments ?? 0),
    evidenceDocuments: Math.min(1, prior.evidenceDocuments),
    d: decideNow(prior, fixed),
    modeMargin: modeMargin(withStatic(prior.mode)),
    encMargin: best(prior.encoding).margin,
  };
  summaries.set(prior.mode, fresh);
  return fresh;
}

export function decide(prior: TextPrior, fixed: FixedText = {}): TextDecision {
  return summary(prior, fixed).d;
}

function decideNow(prior: TextPrior, fixed: FixedText): TextDecision {
  const modeScores = withStatic(prior.mode);
  const m = best(modeScores);
  const e = best(prior.encoding);
  const encoding = fixed.encoding ?? (e.key as DetectEncoding);
  const isDbcs = fixed.doubleByte ?? m.key.startsWith('dbcs:');
  // The page in force for single-byte text: the best page hypothesis.
  const page = fixed.codePage ?? Number((Object.entries(modeScores).filter(([k]) => k.startsWith('page:')).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'page:0').slice(5));
  const dbcsFromMode = m.key.startsWith('dbcs:') ? (m.key.slice(5) as DetectEncoding) : undefined;
  // Pages that tie read most bytes alike (CP850 and CP858 differ in one cell): only the mode's margin counts.
  const modeConf = (prior.modeDocuments ?? 0) === 0 || fixed.doubleByte !== undefined ? 1 : logistic(modeMargin(modeScores));
  const encConf = isDbcs && fixed.encoding === undefined && prior.evidenceDocuments > 0 ? logistic(e.margin) : 1;
  return { mode: isDbcs ? 'double-byte' : 'single-byte', encoding: fixed.encoding ?? dbcsFromMode ?? encoding, codePage: page, confidence: round3(Math.min(modeConf, encConf)) };
}

/** Best double-byte reading against the best single-byte one. */
function modeMargin(scores: Record<string, number>): number {
  let dbcs = -Infinity;
  let page = -Infinity;
  for (const [k, v] of Object.entries(scores)) {
    if (k.startsWith('dbcs:')) dbcs = Math.max(dbcs, v);
    else page = Math.max(page, v);
  }
  return Number.isFinite(dbcs) && Number.isFinite(page) ? Math.abs(dbcs - page) : Infinity;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One line per reading, best first, for people (doctor --detect, the page's tooltip, the bench). */
export function explain(ev: DocEvidence, fixed: FixedText = {}, limit = 3): string[] {
  const bytes = concat([ev.implicit, ev.paged, ev.dbcs]);
  const { dbcs, pages } = hypotheses(fixed);
  const rows: { ll: number; text: string }[] = [];
  for (const e of dbcs.length > 0 ? dbcs : [...DETECT_ENCODINGS]) {
    const s = scoreDoubleByte(e, bytes);
    const pct = (x: number, of: number): string => `${of === 0 ? 0 : Math.round((100 * x) / of)} %`;
    rows.push({ ll: s.ll, text: `${e}: ${pct(s.validBytes, s.highBytes)} of ${s.highBytes} high bytes form characters, ${pct(s.common, s.chars)} of ${s.chars} in the common set, ${pct(s.frequent, s.chars)} frequent` });
  }
  for (const p of pages) {
    const s = scoreSinglePage(p, bytes);
    rows.push({ ll: s.ll, text: `${p.label} (ESC t ${p.page}): ${s.letters} of ${s.highBytes} high bytes are ${p.script} letters, ${s.symbols} receipt symbols` });
  }
  rows.sort((a, b) => b.ll - a.ll);
  const top = rows[0]?.ll ?? 0;
  return rows.slice(0, limit).map((r, k) => (k === 0 ? r.text : `${r.text} (${Math.round(top - r.ll)} nats less likely)`));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * BG/NBD ("beta-geometric / negative binomial distribution") model of repeat buying:
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2).
 *
 * Per member: x = repeat purchase occasions (distinct purchase days − 1), t_x = time of the last
 * purchase and T = time since the first, both measured from the first purchase in model time
 * units (default weeks). Parameters r, α (gamma-distributed purchase rates) and a, b
 * (beta-distributed drop-out probability) are fitted by maximum likelihood (their eq. 6),
 * with Nelder–Mead on the log-parameters.
 */
import { distinctIndex, hyp2f1, lnGamma, nelderMead } from './math.js';

export interface Cbs {
  x: number;
  tx: number;
  T: number;
}

/** Identical (x, t_x, T) rows collapsed: the likelihood is computed once per group. */
export interface CbsGroup extends Cbs {
  weight: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export type BgNbdStatus = 'fitted' | 'not-converged' | 'no-members' | 'no-repeat-buyers';

export interface BgNbdFit {
  /**
   * 'no-repeat-buyers': nobody bought twice, so a and b are not identifiable and the
   * likelihood has no maximum (r → 0); params is null and no churn figures are made.
   */
  status: BgNbdStatus;
  params: BgNbdParams | null;
  logLikelihood: number | null;
  members: number;
  repeatBuyers: number;
  evaluations: number;
  /**
   * A log-parameter ended at the search bound (e^±15). Typically a and b both grow large: the
   * data say every member has about the same drop-out probability a/(a+b). The figures remain
   * usable; the individual a and b values are not meaningful.
   */
  atBound: boolean;
}

export function groupCbs(rows: Iterable<Cbs>): CbsGroup[] {
  const groups = new Map<string, CbsGroup>();
  for (const { x, tx, T } of rows) {
    const key = `${x}|${tx}|${T}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { x, tx, T, weight: 1 });
    else g.weight++;
  }
  return [...groups.values()];
}

/**
 * The grouped data laid out for fast likelihood evaluation: t_x and T take few distinct values
 * (whole days in model units), so ln(α + t) is computed once per distinct value per evaluation,
 * and the gamma-function terms once per distinct x.
 */
interface Prepared {
  n: number;
  weight: Float64Array;
  xIndex: Int32Array;
  tIndex: Int32Array;
  txIndex: Int32Array;
  xs: Float64Array;
  times: Float64Array;
}

function prepare(groups: readonly CbsGroup[]): Prepared {
  const xPos = new Map<number, number>();
  const tPos = new Map<number, number>();
  const n = groups.length;
  const out: Prepared = {
    n,
    weight: new Float64Array(n),
    xIndex: new Int32Array(n),
    tIndex: new Int32Array(n),
    txIndex: new Int32Array(n),
    xs: new Float64Array(0),
    times: new Float64Array(0),
  };
  groups.forEach((g, i) => {
    out.weight[i] = g.weight;
    out.xIndex[i] = distinctIndex(xPos, g.x);
    out.tIndex[i] = distinctIndex(tPos, g.T);
    out.txIndex[i] = distinctIndex(tPos, g.tx);
  });
  out.xs = Float64Array.from(xPos.keys());
  out.times = Float64Array.from(tPos.keys());
  return out;
}

function preparedLogLikelihood(p: BgNbdParams, d: Prepared): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  const common = lnGamma(a + b) - lnGamma(b) - lnGamma(r) + r * Math.log(alpha);
  const lnA = Math.log(a);
  const nx = d.xs.length;
  // Per distinct x: ln Γ(r+x) + ln Γ(b+x) − ln Γ(a+b+x), and ln a − ln(b+x−1) for the drop-out term.
  const gammaTerm = new Float64Array(nx);
  const dropTerm = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    const x = d.xs[j] as number;
    gammaTerm[j] = lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropTerm[j] = x > 0 ? lnA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const lnAt = new Float64Array(d.times.length);
  for (let k = 0; k < lnAt.length; k++) lnAt[k] = Math.log(alpha + (d.times[k] as number));
  const { weight, xIndex, tIndex, txIndex, xs } = d;
  let ll = 0;
  for (let i = 0; i < d.n; i++) {
    const j = xIndex[i] as number;
    const rx = r + (xs[j] as number);
    const a3 = -rx * (lnAt[tIndex[i] as number] as number);
    const drop = dropTerm[j] as number;
    let term: number;
    if (drop === Number.NEGATIVE_INFINITY) term = a3;
    else {
      // ln(e^a3 + e^a4), inlined: this loop is the whole cost of a fit.
      const a4 = drop - rx * (lnAt[txIndex[i] as number] as number);
      term = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    }
    ll += (weight[i] as number) * (common + (gammaTerm[j] as number) + term);
  }
  return ll;
}

/**
 * A systematic sample of about `target` members (as weighted groups), for a quick first fit on
 * big stores; the full data then only polish it.
 */
function subsample(groups: readonly CbsGroup[], members: number, target: number): CbsGroup[] {
  const k = members / target;
  const out: CbsGroup[] = [];
  let cum = 0;
  for (const g of groups) {
    const take = Math.floor((cum + g.weight) / k) - Math.floor(cum / k);
    cum += g.weight;
    if (take > 0) out.push({ x: g.x, tx: g.tx, T: g.T, weight: take });
  }
  return out;
}

/** Total log-likelihood of the grouped data (FHL 2005 eq. 6, summed in log space). */
export function bgnbdLogLikelihood(p: BgNbdParams, groups: readonly CbsGroup[]): number {
  return preparedLogLikelihood(p, prepare(groups));
}

const LOG_BOUND = 15; // parameters kept within e^±15: beyond that the fit has degenerated
/** Stores above twice this many members get a first fit on a sample of this size. */
const SAMPLE_MEMBERS = 10_000;
/** Likelihood evaluations on the full data at most (a degenerate fit crawls toward the bound). */
const MAX_EVALUATIONS = 3000;

export function fitBgNbd(groups: readonly CbsGroup[]): BgNbdFit {
  let members = 0;
  let repeatBuyers = 0;
  let sumX = 0;
  let sumT = 0;
  for (const g of groups) {
    members += g.weight;
    if (g.x > 0) repeatBuyers += g.weight;
    sumX += g.weight * g.x;
    sumT += g.weight * g.T;
  }
  const empty = { params: null, logLikelihood: null, members, repeatBuyers, evaluations: 0, atBound: false };
  if (members === 0) return { status: 'no-members', ...empty };
  if (repeatBuyers === 0) return { status: 'no-repeat-buyers', ...empty };

  const toParams = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0] as number),
    alpha: Math.exp(v[1] as number),
    a: Math.exp(v[2] as number),
    b: Math.exp(v[3] as number),
  });
  const objectiveOn = (data: Prepared, n: number) => (v: number[]): number => {
    if (v.some((c) => Math.abs(c) > LOG_BOUND)) return Number.POSITIVE_INFINITY;
    return -preparedLogLikelihood(toParams(v), data) / n;
  };
  const data = prepare(groups);
  // Start at r = 1 with α matching the mean observed purchase rate, a = b = 1.
  const rate = Math.max(sumX, 1e-3) / Math.max(sumT, 1e-3);
  let start = [0, Math.log(1 / rate), 0, 0];
  let evaluations = 0;
  let step = 0.5;
  if (members > 2 * SAMPLE_MEMBERS) {
    // Big store: fit a systematic sample first, then polish on everyone from there.
    const sample = subsample(groups, members, SAMPLE_MEMBERS);
    const n = sample.reduce((s, g) => s + g.weight, 0);
    const rough = nelderMead(objectiveOn(prepare(sample), n), start, { step: 0.5, fTol: 1e-9, xTol: 1e-5, maxIterations: 2000, restarts: 1, maxEvaluations: 4000 });
    start = rough.x;
    evaluations += rough.evaluations;
    step = 0.1;
  }
  // Polishing from a sample fit needs less: the start is already close.
  const tol = step < 0.5 ? { fTol: 1e-10, xTol: 1e-6, restarts: 1 } : { fTol: 1e-12, xTol: 1e-8, restarts: 3 };
  const res = nelderMead(objectiveOn(data, members), start, { step, ...tol, maxIterations: 4000, maxEvaluations: MAX_EVALUATIONS });
  evaluations += res.evaluations;
  const params = toParams(res.x);
  const ll = preparedLogLikelihood(params, data);
  return {
    status: res.converged && Number.isFinite(ll) ? 'fitted' : 'not-converged',
    params,
    logLikelihood: Number.isFinite(ll) ? ll : null,
    members,
    repeatBuyers,
    evaluations,
    atBound: res.x.some((c) => Math.abs(c) > LOG_BOUND - 0.01),
  };
}

/** P(alive | x, t_x, T) (FHL 2005 eq. 13). 1 for members who never came back (x = 0). */
export function pAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const ratio = Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
  return 1 / (1 + (p.a / (p.b + x - 1)) * ratio);
}

/**
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t):
 * the numerator of the conditional expectation (FHL 2005 eq. 10); with x = T = 0 it is the
 * unconditional E[X(t)] (eq. 7). When the series would converge slowly (c−a−b < 0) the power
 * and ₂F₁ are combined through Euler's transformation into (1−z)^(a−1)·₂F₁(a+b−1−r, a−1; c; z),
 * which also avoids 0·∞ when x is large.
 */
function expectationNumerator(p: BgNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, b } = p;
  if (Math.abs(p.a - 1) < 1e-4) {
    // Removable singularity at a = 1: average the two sides (smooth in a, error O(h²)).
    const h = 1e-4;
    return 0.5 * (expectationNumerator({ ...p, a: 1 - h }, t, x, T) + expectationNumerator({ ...p, a: 1 + h }, t, x, T));
  }
  const a = p.a;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  let g: number;
  if (a - 1 - r - x < 0) g = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  else g = Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, c, z);
  return (c / (a - 1)) * (1 - g);
}

/** Expected purchases in the next t periods of a member with history (x, t_x, T) (eq. 10). */
export function expectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const num = expectationNumerator(p, t, x, T);
  if (x === 0) return num;
  const ratio = Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
  return num / (1 + (p.a / (p.b + x - 1)) * ratio);
}

/** Expected purchases of a new customer in their first t periods, E[X(t)] (eq. 7). */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return expectationNumerator(p, t, 0, 0);
}

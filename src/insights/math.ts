/**
 * Numerical building blocks for the customer models: log-gamma, the Gaussian hypergeometric
 * function 2F1 and a Nelder–Mead minimiser. Pure functions, no dependencies.
 */

/**
 * Lanczos coefficients for g = 607/128 with 15 terms (Godfrey's set, as published in Numerical
 * Recipes 3rd ed. §6.1). Relative error of Γ below 1e-15 for x > 0.
 */
const LANCZOS_G_HALF = 607 / 128 + 0.5;
const LANCZOS = [
  0.999999999999997092, 57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
  -0.210264441724104883e-3, 0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5,
] as const;
const SQRT_2PI = 2.5066282746310005;

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === 1 || x === 2) return 0;
  let tmp = x + LANCZOS_G_HALF;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = LANCZOS[0];
  let y = x;
  for (let j = 1; j < LANCZOS.length; j++) ser += (LANCZOS[j] as number) / ++y;
  return tmp + Math.log((SQRT_2PI * ser) / x);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^x + e^y) without overflow; either may be −∞. */
export function logAddExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

const HYP_MAX_TERMS = 1_000_000;

/** The plain power series Σ (a)_n (b)_n / (c)_n z^n / n!, summed until terms stop mattering. */
function hypSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < HYP_MAX_TERMS; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (term === 0) return sum;
    // Stop only once the terms are shrinking: for large a, b they first grow before they fall.
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && Math.abs((a + n + 1) * (b + n + 1) * z) < Math.abs((c + n + 1) * (n + 2))) return sum;
  }
  return Number.NaN;
}

/**
 * Gaussian hypergeometric function ₂F₁(a, b; c; z) for real z < 1 (NaN outside, or where c is
 * a non-positive integer).
 *
 * Convergence care: for z < 0 the Pfaff transformation maps z to z/(z−1) ∈ (0, 1); when
 * c − a − b < 0 the series near z = 1 diverges like (1 − z)^(c−a−b), so the Euler transformation
 * ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) is summed instead, whose terms decay like
 * n^(a+b−c−1)·z^n. For BG/NBD's ₂F₁(r+x, b+x; a+b+x−1; z) that turns a slowly converging series
 * (terms ~ n^(r+x−a)) into a fast one (terms ~ n^(a−2−r−x)).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1) || !Number.isFinite(z)) return Number.NaN;
  if (c <= 0 && Number.isInteger(c)) return Number.NaN;
  if (z === 0) return 1;
  if (z < 0) {
    // Pfaff: ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)).
    return Math.pow(1 - z, -a) * hyp2f1NonNegative(a, c - b, c, z / (z - 1));
  }
  return hyp2f1NonNegative(a, b, c, z);
}

function hyp2f1NonNegative(a: number, b: number, c: number, z: number): number {
  const s = c - a - b;
  if (s < 0) return Math.pow(1 - z, s) * hypSeries(c - a, c - b, c, z);
  return hypSeries(a, b, c, z);
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  /** Initial simplex step along each axis. */
  step?: number;
  /** Stop when the simplex's function values differ by less than this (absolute) ... */
  fTol?: number;
  /** ... and its vertices lie within this distance of the best one (per coordinate). */
  xTol?: number;
  maxIterations?: number;
  /** Restart from the best point this many times: plain Nelder–Mead can stall on a ridge. */
  restarts?: number;
  /** Give up (converged: false) after this many objective evaluations in total. */
  maxEvaluations?: number;
}

/**
 * Nelder–Mead downhill simplex (standard coefficients: reflect 1, expand 2, contract ½, shrink ½).
 * Non-finite objective values are treated as +∞, so callers can reject infeasible points by
 * returning NaN or Infinity. Optimise over log-parameters to keep positive parameters positive.
 */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): MinimizeResult {
  const step = opts.step ?? 0.5;
  const fTol = opts.fTol ?? 1e-11;
  const xTol = opts.xTol ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 5000;
  const restarts = opts.restarts ?? 2;
  const maxEvaluations = opts.maxEvaluations ?? 50_000;
  let evaluations = 0;
  const g = (x: number[]): number => {
    evaluations++;
    if (evaluations > maxEvaluations) throw BUDGET;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  let best = [...x0];
  let bestValue = g(best);
  let iterations = 0;
  let converged = false;
  const tracked = (x: number[]): number => {
    const v = g(x);
    if (v < bestValue) {
      bestValue = v;
      best = [...x];
    }
    return v;
  };
  try {
    for (let round = 0; round <= restarts; round++) {
      const before = bestValue;
      const run = simplexRun(tracked, best, bestValue, step, fTol, xTol, maxIterations);
      iterations += run.iterations;
      converged = run.converged;
      if (round > 0 && !(run.value < before - fTol) && converged) break;
    }
  } catch (err) {
    if (err !== BUDGET) throw err;
    converged = false;
  }
  return { x: best, value: bestValue, iterations, evaluations: Math.min(evaluations, maxEvaluations), converged };
}

/** Thrown inside nelderMead to unwind when the evaluation budget is spent. */
const BUDGET = new Error('evaluation budget spent');

function simplexRun(
  g: (x: number[]) => number,
  start: number[],
  startValue: number,
  step: number,
  fTol: number,
  xTol: number,
  maxIterations: number,
): { x: number[]; value: number; iterations: number; converged: boolean } {
  const n = start.length;
  const pts: number[][] = [start];
  const vals: number[] = [startValue];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] = (p[i] as number) + step;
    pts.push(p);
    vals.push(g(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  let it = 0;
  for (; it < maxIterations; it++) {
    order.sort((i, j) => (vals[i] as number) - (vals[j] as number));
    const bi = order[0] as number;
    const wi = order[n] as number;
    const si = order[n - 1] as number;
    const bestP = pts[bi] as number[];
    const fBest = vals[bi] as number;
    const fWorst = vals[wi] as number;
    let spread = 0;
    for (const p of pts) for (let k = 0; k < n; k++) spread = Math.max(spread, Math.abs((p[k] as number) - (bestP[k] as number)));
    if (Number.isFinite(fWorst) && fWorst - fBest <= fTol && spread <= xTol) {
      return { x: [...bestP], value: fBest, iterations: it, converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (const idx of order.slice(0, n)) {
      const p = pts[idx] as number[];
      for (let k = 0; k < n; k++) centroid[k] = (centroid[k] as number) + (p[k] as number) / n;
    }
    const worst = pts[wi] as number[];
    const along = (t: number): number[] => centroid.map((c, k) => c + t * (c - (worst[k] as number)));
    const xr = along(1);
    const fr = g(xr);
    if (fr < fBest) {
      const xe = along(2);
      const fe = g(xe);
      if (fe < fr) {
        pts[wi] = xe;
        vals[wi] = fe;
      } else {
        pts[wi] = xr;
        vals[wi] = fr;
      }
      continue;
    }
    if (fr < (vals[si] as number)) {
      pts[wi] = xr;
      vals[wi] = fr;
      continue;
    }
    const outside = fr < fWorst;
    const xc = along(outside ? 0.5 : -0.5);
    const fc = g(xc);
    if (fc < (outside ? fr : fWorst)) {
      pts[wi] = xc;
      vals[wi] = fc;
      continue;
    }
    for (const idx of order.slice(1)) {
      const p = pts[idx] as number[];
      const q = p.map((v, k) => (bestP[k] as number) + 0.5 * (v - (bestP[k] as number)));
      pts[idx] = q;
      vals[idx] = g(q);
    }
  }
  order.sort((i, j) => (vals[i] as number) - (vals[j] as number));
  const bi = order[0] as number;
  return { x: [...(pts[bi] as number[])], value: vals[bi] as number, iterations: it, converged: false };
}

/**
 * Position of `v` among the distinct values seen so far in `seen` (insertion order), adding it when
 * new. Likelihood code computes the costly gamma terms once per distinct value, not once per row.
 */
export function distinctIndex(seen: Map<number, number>, v: number): number {
  let i = seen.get(v);
  if (i === undefined) {
    i = seen.size;
    seen.set(v, i);
  }
  return i;
}

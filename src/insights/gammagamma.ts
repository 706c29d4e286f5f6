/**
 * Gamma-Gamma spend model (Colombo & Jiang 1999; as used by Fader, Hardie & Lee 2005, "RFM and
 * CLV: using iso-value curves"): a member's transaction values are gamma(p, ν) with ν itself
 * gamma(q, γ) across members. Fitted on repeat buyers only, from x (repeat transactions) and m_x
 * (their mean value). Assumes spend is independent of purchase frequency.
 */
import { distinctIndex, lnGamma, nelderMead } from './math.js';

/** Above twice this many repeat buyers, a first fit runs on a systematic sample of this size. */
const SAMPLE_ROWS = 10_000;

export interface SpendSummary {
  /** Number of transactions the mean is taken over (≥ 1). */
  x: number;
  /** Mean value per transaction (> 0), any consistent unit (e.g. minor units). */
  mean: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  /** 'too-few-buyers': fewer than 2 usable repeat buyers; params null. */
  status: 'fitted' | 'not-converged' | 'too-few-buyers';
  params: GammaGammaParams | null;
  logLikelihood: number | null;
  buyers: number;
  evaluations: number;
}

export function gammaGammaLogLikelihood(par: GammaGammaParams, rows: readonly SpendSummary[]): number {
  return preparedLogLikelihood(par, prepare(rows));
}

/** Rows laid out so that the gamma-function terms are computed once per distinct x. */
interface Prepared {
  xs: Float64Array;
  xIndex: Int32Array;
  mean: Float64Array;
  lnMean: Float64Array;
}

function prepare(rows: readonly SpendSummary[]): Prepared {
  const pos = new Map<number, number>();
  const xIndex = new Int32Array(rows.length);
  const mean = new Float64Array(rows.length);
  const lnMean = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    xIndex[i] = distinctIndex(pos, r.x);
    mean[i] = r.mean;
    lnMean[i] = Math.log(r.mean);
  });
  return { xs: Float64Array.from(pos.keys()), xIndex, mean, lnMean };
}

function preparedLogLikelihood(par: GammaGammaParams, d: Prepared): number {
  const { p, q, gamma } = par;
  if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
  const base = q * Math.log(gamma) - lnGamma(q);
  // Per distinct x: ln Γ(px+q) − ln Γ(px) + px·ln x.
  const perX = new Float64Array(d.xs.length);
  for (let j = 0; j < perX.length; j++) {
    const x = d.xs[j] as number;
    const px = p * x;
    perX[j] = lnGamma(px + q) - lnGamma(px) + px * Math.log(x);
  }
  const { xs, xIndex, mean, lnMean } = d;
  let ll = 0;
  for (let i = 0; i < mean.length; i++) {
    const j = xIndex[i] as number;
    const x = xs[j] as number;
    const px = p * x;
    const m = mean[i] as number;
    ll += base + (perX[j] as number) + (px - 1) * (lnMean[i] as number) - (px + q) * Math.log(gamma + m * x);
  }
  return ll;
}

export function fitGammaGamma(rows: readonly SpendSummary[]): GammaGammaFit {
  const usable = rows.filter((r) => r.x >= 1 && r.mean > 0 && Number.isFinite(r.mean));
  if (usable.length < 2) return { status: 'too-few-buyers', params: null, logLikelihood: null, buyers: usable.length, evaluations: 0 };
  let sum = 0;
  for (const r of usable) sum += r.mean;
  const meanSpend = sum / usable.length;
  const data = prepare(usable);
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0] as number), q: Math.exp(v[1] as number), gamma: Math.exp(v[2] as number) });
  const bounded = (v: number[]): boolean =>
    Math.abs(v[0] as number) <= 15 && Math.abs(v[1] as number) <= 15 && Math.abs((v[2] as number) - Math.log(meanSpend)) <= 20;
  const objective = (v: number[]): number => (bounded(v) ? -preparedLogLikelihood(toParams(v), data) / usable.length : Number.POSITIVE_INFINITY);
  // Start at p = 1, q = 2, γ = mean spend: then the population mean pγ/(q−1) equals the sample's.
  let start = [0, Math.log(2), Math.log(meanSpend)];
  let step = 0.5;
  let evaluations = 0;
  if (usable.length > 2 * SAMPLE_ROWS) {
    // Many buyers: fit every k-th first, then polish on all of them from there.
    const k = usable.length / SAMPLE_ROWS;
    const sample = usable.filter((_, i) => Math.floor((i + 1) / k) > Math.floor(i / k));
    const sampleData = prepare(sample);
    const rough = nelderMead(
      (v) => (bounded(v) ? -preparedLogLikelihood(toParams(v), sampleData) / sample.length : Number.POSITIVE_INFINITY),
      start,
      { step: 0.5, fTol: 1e-9, xTol: 1e-5, restarts: 1, maxEvaluations: 3000 },
    );
    start = rough.x;
    step = 0.1;
    evaluations += rough.evaluations;
  }
  // Polishing from a sample fit needs less: the start is already close.
  const tol = step < 0.5 ? { fTol: 1e-10, xTol: 1e-6, restarts: 1 } : { fTol: 1e-12, xTol: 1e-8, restarts: 3 };
  const res = nelderMead(objective, start, { step, ...tol, maxEvaluations: 3000 });
  evaluations += res.evaluations;
  const params = toParams(res.x);
  const ll = preparedLogLikelihood(params, data);
  return {
    status: res.converged && Number.isFinite(ll) ? 'fitted' : 'not-converged',
    params,
    logLikelihood: Number.isFinite(ll) ? ll : null,
    buyers: usable.length,
    evaluations,
  };
}

/**
 * E[M | x, m_x] = (γ + m_x·x)·p / (p·x + q − 1): a weighted mean of the population mean pγ/(q−1)
 * and the member's own mean. For x = 0 it is the population mean. Requires q > 1 (else the
 * population mean is infinite and NaN is returned).
 */
export function expectedSpend(par: GammaGammaParams, x: number, mean: number): number {
  const { p, q, gamma } = par;
  if (!(q > 1)) return Number.NaN;
  if (x <= 0) return (p * gamma) / (q - 1);
  return ((gamma + mean * x) * p) / (p * x + q - 1);
}

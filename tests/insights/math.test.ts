import { describe, expect, it } from 'vitest';
import { hyp2f1, lnBeta, lnGamma, logAddExp, nelderMead } from '../../src/insights/math.js';

describe('lnGamma', () => {
  it('matches ln((n−1)!) summed exactly for integers', () => {
    let lnFact = 0; // ln((n−1)!)
    for (let n = 1; n <= 170; n++) {
      if (n > 1) lnFact += Math.log(n - 1);
      expect(Math.abs(lnGamma(n) - lnFact)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(lnFact)));
    }
  });

  it('matches Γ(n + ½) = (2n)! √π / (4ⁿ n!) at half-integers', () => {
    for (let n = 0; n <= 30; n++) {
      let v = 0.5 * Math.log(Math.PI);
      for (let k = n + 1; k <= 2 * n; k++) v += Math.log(k);
      v -= n * Math.log(4);
      expect(lnGamma(n + 0.5)).toBeCloseTo(v, 12);
    }
  });

  it('satisfies Γ(x+1) = xΓ(x) for small and non-integer x, and is NaN for x ≤ 0', () => {
    for (const x of [1e-6, 0.001, 0.1, 0.2426, 0.793, 2.4262, 4.4137, 17.3, 250.5]) {
      expect(lnGamma(x + 1) - lnGamma(x) - Math.log(x)).toBeCloseTo(0, 12);
    }
    expect(lnGamma(0)).toBeNaN();
    expect(lnGamma(-1.5)).toBeNaN();
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms on both sides of zero and near one', () => {
    for (const z of [-5, -0.9, -0.3, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      // ₂F₁(1,1;2;z) = −ln(1−z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 11);
      // ₂F₁(a,b;b;z) = (1−z)^(−a)
      expect(hyp2f1(2.5, 1.3, 1.3, z) / Math.pow(1 - z, -2.5)).toBeCloseTo(1, 11);
    }
    for (const z of [0.2, 0.7, 0.99]) {
      // ₂F₁(½,½;3/2;z) = arcsin(√z)/√z
      expect(hyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(Math.asin(Math.sqrt(z)) / Math.sqrt(z), 12);
    }
  });

  it('handles large parameters (BG/NBD with many purchases) where the direct series is slow', () => {
    // ₂F₁(a, b; b; z) again, with a large: the Euler branch must agree with the closed form.
    const v = hyp2f1(60.2, 62.4, 62.4, 0.6);
    expect(Math.log(v) / (-60.2 * Math.log(0.4))).toBeCloseTo(1, 12);
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
  });

  it('logAddExp is exact at the extremes', () => {
    expect(logAddExp(Number.NEGATIVE_INFINITY, 2)).toBe(2);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
  });
});

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum', () => {
    const rosen = (v: number[]): number => {
      const [x = 0, y = 0] = v;
      return 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    };
    const res = nelderMead(rosen, [-1.2, 1], { step: 0.5 });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 5);
    expect(res.x[1]).toBeCloseTo(1, 5);
  });

  it('treats non-finite objective values as infeasible', () => {
    const f = (v: number[]): number => ((v[0] as number) < 0.5 ? Number.NaN : ((v[0] as number) - 2) ** 2);
    const res = nelderMead(f, [1], {});
    expect(res.x[0]).toBeCloseTo(2, 6);
  });
});

describe('nelderMead budget', () => {
  it('stops after maxEvaluations and returns the best point seen, not converged', () => {
    // Unbounded below: the simplex would walk forever.
    const res = nelderMead((v) => v[0] as number, [0], { maxEvaluations: 200 });
    expect(res.converged).toBe(false);
    expect(res.evaluations).toBe(200);
    expect(res.value).toBeLessThan(-10);
    expect(res.x[0]).toBe(res.value);
  });
});

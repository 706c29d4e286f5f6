/** Options of the insights computation, with their defaults. */
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import { DEFAULT_TIERS, validateTiers, type TierSpec } from './tiers.js';

export interface InsightsOptions {
  /** RFM, tiers and concentration look at this many days back from `now`. */
  windowDays: number;
  /** IANA zone whose calendar days define "same-day purchases" and recency in days. */
  timeZone: string;
  /** BG/NBD time unit in days (7: weeks, as in the published CDNOW fit). */
  timeUnitDays: number;
  /** Expected purchases and CLV look this many days ahead (converted to time units). */
  horizonDays: number;
  tiers: readonly TierSpec[];
  /** "The top N of members bring …": the N, a fraction. */
  concentrationShare: number;
  /** At risk: P(alive) below this ... */
  atRiskBelow: number;
  /** ... and all-time spend in this top fraction of members. */
  atRiskValueShare: number;
  /** Longest at-risk list returned (most valuable first). */
  atRiskLimit: number;
  /** Basket rules: minimum support (fraction of baskets) and confidence. */
  minSupport: number;
  minConfidence: number;
  /** Largest itemset a rule is made from (lhs + rhs). */
  maxRuleItems: number;
  /** Rules kept in the report, best lift first. */
  topRules: number;
  /** Fraction of spend that is margin, for CLV (1: CLV in sales). */
  margin: number;
}

export const DEFAULT_INSIGHTS_OPTIONS: Readonly<InsightsOptions> = Object.freeze({
  windowDays: 365,
  timeZone: 'UTC',
  timeUnitDays: 7,
  horizonDays: 364,
  tiers: DEFAULT_TIERS,
  concentrationShare: 0.2,
  atRiskBelow: 0.5,
  atRiskValueShare: 0.2,
  atRiskLimit: 100,
  minSupport: 0.01,
  minConfidence: 0.25,
  maxRuleItems: 4,
  topRules: 20,
  margin: 1,
});

export function resolveOptions(partial: Partial<InsightsOptions> = {}): InsightsOptions {
  const o: InsightsOptions = { ...DEFAULT_INSIGHTS_OPTIONS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  const bad: string[] = [];
  const positive = (k: keyof InsightsOptions): void => {
    const v = o[k];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) bad.push(`${k}: expected a number > 0`);
  };
  const fraction = (k: keyof InsightsOptions, allowZero: boolean): void => {
    const v = o[k];
    if (typeof v !== 'number' || !(allowZero ? v >= 0 : v > 0) || v > 1) bad.push(`${k}: expected a fraction ${allowZero ? '0' : '> 0'} … 1`);
  };
  positive('windowDays');
  positive('timeUnitDays');
  positive('horizonDays');
  positive('maxRuleItems');
  fraction('concentrationShare', false);
  fraction('atRiskBelow', true);
  fraction('atRiskValueShare', false);
  fraction('minSupport', false);
  fraction('minConfidence', true);
  fraction('margin', false);
  if (!(Number.isInteger(o.atRiskLimit) && o.atRiskLimit >= 0)) bad.push('atRiskLimit: expected an integer ≥ 0');
  if (!(Number.isInteger(o.topRules) && o.topRules >= 0)) bad.push('topRules: expected an integer ≥ 0');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone });
  } catch {
    bad.push(`timeZone: unknown time zone ${JSON.stringify(o.timeZone)}`);
  }
  const tierProblem = validateTiers(o.tiers);
  if (tierProblem !== null) bad.push(`tiers: ${tierProblem}`);
  if (bad.length > 0) throw new TillboxError('TBX_INPUT_INVALID', `insights options: ${bad.join('; ')}`);
  return o;
}

/** The options a validated config asks for (insights.* keys and the store's time zone). */
export function insightsOptionsFromConfig(config: Config): Partial<InsightsOptions> {
  return {
    windowDays: config.insights.windowDays,
    timeZone: config.store.timezone,
    timeUnitDays: config.insights.timeUnitDays,
    horizonDays: config.insights.horizonDays,
    atRiskBelow: config.insights.atRiskBelow,
    minSupport: config.insights.minSupport,
    minConfidence: config.insights.minConfidence,
  };
}

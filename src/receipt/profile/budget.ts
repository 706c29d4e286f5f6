/**
 * Profile matching under a time budget (issue 17). A regex call cannot be interrupted, so two
 * bounds work together: the text one call sees is capped (MAX_PROFILE_LINE_CHARS, with the
 * pattern rules of safe-pattern.ts that bounds one call), and the time one profile spends on one
 * document is checked after every call; past PROFILE_DOC_BUDGET_MS the profile is disabled for
 * the rest of the process's life and the document is parsed by the heuristics alone, flagged.
 * Pure: the clock and the set of disabled profiles are the caller's.
 */

/** One line as a profile pattern sees it: decoded lines are at most decoder.columns (≤ 80) cells wide. */
export const MAX_PROFILE_LINE_CHARS = 96;
/** Time one profile may spend on one document (detection and extraction together). */
export const PROFILE_DOC_BUDGET_MS = 250;

export interface ProfileBudget {
  /** A monotonic clock in ms (performance.now). */
  now(): number;
  limitMs: number;
  /** Profiles disabled so far, by name; kept by the caller across documents. */
  disabled: Set<string>;
}

export class ProfileOverBudget extends Error {
  constructor(
    readonly profile: string,
    readonly spentMs: number,
  ) {
    super(`profile ${profile}: ${Math.round(spentMs)} ms on one document, over its budget`);
    this.name = 'ProfileOverBudget';
  }
}

export function clipLine(text: string): string {
  return text.length > MAX_PROFILE_LINE_CHARS ? text.slice(0, MAX_PROFILE_LINE_CHARS) : text;
}

/** Runs one profile's patterns on one document: clipped lines, its own time summed per call. */
export class Matcher {
  private spent = 0;

  constructor(
    readonly profile: string,
    private readonly budget: ProfileBudget | undefined,
  ) {}

  test(re: RegExp, text: string): boolean {
    const t0 = this.budget?.now() ?? 0;
    const hit = re.test(clipLine(text));
    this.tick(t0);
    return hit;
  }

  exec(re: RegExp, text: string): RegExpExecArray | null {
    const t0 = this.budget?.now() ?? 0;
    const m = re.exec(clipLine(text));
    this.tick(t0);
    return m;
  }

  private tick(t0: number): void {
    const b = this.budget;
    if (b === undefined) return;
    this.spent += b.now() - t0;
    if (this.spent > b.limitMs) throw new ProfileOverBudget(this.profile, this.spent);
  }
}

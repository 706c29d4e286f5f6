/**
 * The bypass relay's GPIO line. De-energised (released) is the fail-safe state: the relay's
 * normally-closed contacts wire POS and printer straight together. Energised, both are switched
 * to the box. Implementations must release on their own when the process dies.
 */
export interface BypassLine {
  energise(): void;
  release(): void;
  readonly energised: boolean;
  /** Called when the line lets go by itself (its holder exited: heartbeat missed, tool failed). */
  onReleased: (reason: string) => void;
}

/**
 * A line that only records what it was told, for the tests of the controller's rules (there is no
 * GPIO chip on the test machine; the gpioset path has its own test with a stand-in tool).
 */
export class FakeBypassLine implements BypassLine {
  energised = false;
  readonly history: ('energise' | 'release')[] = [];
  onReleased: (reason: string) => void = () => {};

  energise(): void {
    if (this.energised) return;
    this.energised = true;
    this.history.push('energise');
  }

  release(): void {
    if (!this.energised) return;
    this.energised = false;
    this.history.push('release');
  }

  /** As if the holder died (the gpioset helper after a missed heartbeat). */
  drop(reason: string): void {
    if (!this.energised) return;
    this.energised = false;
    this.history.push('release');
    this.onReleased(reason);
  }
}

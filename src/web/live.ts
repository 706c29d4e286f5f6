/**
 * Server-sent events to the open status pages. One subscription to the daemon's events and one
 * status timer, shared by all clients and stopped when the last one leaves. A client that stops
 * reading (its socket buffer past 256 KiB) is dropped rather than buffered without bound, and a
 * client whose session ended (logout, expiry) is closed at the next status tick.
 *
 * Streams are capped, per session and in total: each open stream costs the analytics process
 * memory and a write per event on the CPU the tap shares (2,805 streams took the child from 100 to
 * 212 MB and the tap's p99 from 4 to 9 ms). Past a cap the request is refused before the stream
 * opens (routes/live.ts).
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { RECEIPT_MONEY, withMinorUnits } from '../money-json.js';
import type { WebDeps, WebEvent } from './deps.js';
import { maskFailed, maskRow } from './views.js';

const MAX_BUFFERED = 256 * 1024;
const HEARTBEAT_MS = 20_000;
/** Open /api/events streams one owner session (or one Basic-auth address) may hold: a few tabs. */
export const MAX_SSE_STREAMS_PER_SESSION = 4;
/** Open /api/events streams in total, whoever holds them. */
export const MAX_SSE_STREAMS_TOTAL = 32;

export type Admission = 'ok' | 'session' | 'total';

export interface LiveLimits {
  perSession: number;
  total: number;
}

interface Client {
  stillAllowed: () => boolean;
  owner: string;
}

export class LiveHub {
  readonly #clients = new Map<ServerResponse, Client>(); // stream -> is its session still valid, whose it is
  readonly #perOwner = new Map<string, number>();
  /** Streams refused by the caps since start, by scope (for /metrics). */
  readonly refused = { session: 0, total: 0 };
  #refusedLoggedAt = -Infinity;
  #unsubscribe: (() => void) | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #statusFailing = false;

  constructor(
    private readonly deps: WebDeps,
    private readonly statusView: () => Promise<unknown>,
    private readonly statusEveryMs: number,
    private readonly log: Logger,
    readonly limits: LiveLimits = { perSession: MAX_SSE_STREAMS_PER_SESSION, total: MAX_SSE_STREAMS_TOTAL },
  ) {}

  get size(): number {
    return this.#clients.size;
  }

  /** May `owner` (a session, or a Basic-auth address) open one more stream? */
  admit(owner: string): Admission {
    const verdict: Admission = this.#clients.size >= this.limits.total ? 'total' : (this.#perOwner.get(owner) ?? 0) >= this.limits.perSession ? 'session' : 'ok';
    if (verdict !== 'ok') this.refused[verdict]++;
    return verdict;
  }

  /** Whether a refusal should be logged now: at most one line a minute, with the counts since start. */
  shouldLogRefusal(now: number): boolean {
    if (now - this.#refusedLoggedAt < 60_000) return false;
    this.#refusedLoggedAt = now;
    return true;
  }

  add(res: ServerResponse, stillAllowed: () => boolean, owner: string): void {
    this.#clients.set(res, { stillAllowed, owner });
    this.#perOwner.set(owner, (this.#perOwner.get(owner) ?? 0) + 1);
    res.on('close', () => this.remove(res));
    if (this.#clients.size === 1) this.#start();
  }

  remove(res: ServerResponse): void {
    const client = this.#clients.get(res);
    if (client === undefined) return;
    this.#clients.delete(res);
    const left = (this.#perOwner.get(client.owner) ?? 1) - 1;
    if (left > 0) this.#perOwner.set(client.owner, left);
    else this.#perOwner.delete(client.owner);
    if (this.#clients.size === 0) this.#stop();
  }

  /** Ends every stream (server shutting down). */
  closeAll(): void {
    for (const res of [...this.#clients.keys()]) res.end();
    this.#clients.clear();
    this.#perOwner.clear();
    this.#stop();
  }

  #start(): void {
    this.#unsubscribe = this.deps.subscribe((event) => {
      try {
        this.#onEvent(event);
      } catch (err) {
        this.log.warn({ err }, 'live event not delivered');
      }
    });
    this.#statusTimer = setInterval(() => void this.#pushStatus(), this.statusEveryMs);
    this.#heartbeat = setInterval(() => this.#broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
    this.#statusTimer.unref();
    this.#heartbeat.unref();
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#statusTimer);
    clearInterval(this.#heartbeat);
  }

  #onEvent(event: WebEvent): void {
    switch (event.type) {
      case 'receipt':
        this.#send('receipt', withMinorUnits(maskRow(event.receipt), RECEIPT_MONEY));
        return;
      case 'failed':
        this.#send('failed', maskFailed(event.failed));
        return;
      case 'changed':
        this.#send('changed', { what: event.what });
        return;
    }
  }

  async #pushStatus(): Promise<void> {
    for (const [res, { stillAllowed }] of [...this.#clients]) {
      if (!stillAllowed()) {
        res.end();
        this.remove(res);
      }
    }
    if (this.#clients.size === 0) return;
    try {
      const view = await this.statusView();
      this.#statusFailing = false;
      this.#send('status', view);
    } catch (err) {
      if (!this.#statusFailing) this.log.warn({ err }, 'status for live clients failed');
      this.#statusFailing = true;
    }
  }

  #send(event: string, data: unknown): void {
    this.#broadcast(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  #broadcast(frame: string): void {
    for (const res of [...this.#clients.keys()]) {
      if (res.writableLength > MAX_BUFFERED) {
        res.destroy();
        this.remove(res);
        continue;
      }
      res.write(frame);
    }
  }
}

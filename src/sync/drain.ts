/**
 * Publishes the outbox in order at QoS 1 with a bounded in-flight window, and records each
 * PUBACK in the outbox (batched: one commit per few milliseconds of acks). On disconnect
 * everything unacknowledged is forgotten here and read again from the outbox on the next
 * connection: delivery is at least once, and head office de-duplicates on the basket id.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import { FaultLog, type FaultState } from '../io/write-fault.js';
import type { Outbox, OutboxRow } from './outbox.js';

export interface DrainOptions {
  /** Most publishes awaiting PUBACK at once. */
  window: number;
  /** Rows read from SQLite per query. */
  batch: number;
  /** Acks are committed this often (ms) while they arrive. */
  ackFlushMs: number;
  /** A publish that failed on a live connection is retried after this long (ms). */
  retryMs: number;
}

export const DEFAULT_DRAIN: DrainOptions = { window: 100, batch: 500, ackFlushMs: 25, retryMs: 5000 };

/** PUBACKs the outbox could not record (disk full) are tried again this often (ms). */
export const ACK_RETRY_MS = 1000;

export class Drainer {
  private client: MqttClient | null = null;
  private generation = 0;
  private cursor = 0;
  private buffer: OutboxRow[] = [];
  private bufferAt = 0;
  private readonly inflight = new Set<number>();
  /** PUBACKed seqs not yet recorded in the outbox (normally for a few ms; longer on a full disk). */
  private acks: number[] = [];
  private readonly unrecorded = new Set<number>();
  private readonly ackFault: FaultLog;
  /** Failed attempts to record PUBACKs since start. */
  ackRecordFailures = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private exhausted = false;
  private window: number;
  private pumping = false;
  published = 0;
  acked = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly topic: string,
    private readonly logger: Logger,
    private readonly opts: DrainOptions = DEFAULT_DRAIN,
  ) {
    this.window = opts.window;
    this.ackFault = new FaultLog(logger, 'outbox acks');
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Acknowledged by the broker, not yet recorded: sent again if the process dies before it is. */
  get acksUnrecorded(): number {
    return this.unrecorded.size;
  }

  get fault(): FaultState | null {
    return this.ackFault.current;
  }

  /**
   * `receiveMaximum`: the broker's MQTT 5 Receive Maximum (3.2.2.3.3), the most unacknowledged
   * QoS 1 publishes it accepts; exceeding it is a protocol error. A few are left for status and
   * notification messages.
   */
  attach(client: MqttClient, generation: number, receiveMaximum?: number): void {
    this.reset();
    this.window = receiveMaximum === undefined ? this.opts.window : Math.max(1, Math.min(this.opts.window, receiveMaximum - 4));
    this.client = client;
    this.generation = generation;
    this.pump();
  }

  /** The connection is gone: forget what was in flight, start over from the oldest waiting row. */
  detach(): void {
    this.client = null;
    this.reset();
    this.flushAcks();
  }

  /** New rows were queued. */
  kick(): void {
    this.exhausted = false;
    this.pump();
  }

  private reset(): void {
    this.cursor = 0;
    this.buffer = [];
    this.bufferAt = 0;
    this.inflight.clear();
    this.exhausted = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private next(): OutboxRow | undefined {
    if (this.bufferAt >= this.buffer.length) {
      if (this.exhausted) return undefined;
      this.buffer = this.outbox.pendingAfter(this.cursor, this.opts.batch);
      this.bufferAt = 0;
      if (this.buffer.length === 0) {
        this.exhausted = true;
        return undefined;
      }
    }
    const row = this.buffer[this.bufferAt++];
    if (row !== undefined) this.cursor = row.seq;
    // Acknowledged already (only the record of it is missing): sending it again would be a duplicate.
    if (row !== undefined && this.unrecorded.has(row.seq)) return this.next();
    return row;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // While PUBACKs cannot be recorded, publish nothing new: each would be one more basket sent
      // twice if the process died, so duplicates stay bounded by two windows (issue 17 item 6).
      while (this.client !== null && this.retryTimer === null && this.ackFault.current === null && this.inflight.size < this.window) {
        const row = this.next();
        if (row === undefined) break;
        this.publish(this.client, this.generation, row);
      }
    } finally {
      this.pumping = false;
    }
  }

  private publish(client: MqttClient, gen: number, row: OutboxRow): void {
    this.inflight.add(row.seq);
    this.published++;
    client.publish(this.topic, row.payload, { qos: 1 }, (err) => {
      if (err === undefined || err === null) {
        // A PUBACK is a PUBACK, even if its connection has since closed.
        this.acks.push(row.seq);
        this.unrecorded.add(row.seq);
        this.acked++;
        // A window's worth of acks is recorded at once, not after the timer: on a full disk the
        // failure is then known before more than two windows are acknowledged and unrecorded.
        if (this.acks.length >= this.window && this.ackFault.current === null) this.flushAcks();
        else this.scheduleFlush();
      }
      if (gen !== this.generation || this.client === null) return;
      this.inflight.delete(row.seq);
      if (err !== undefined && err !== null) {
        // E.g. an MQTT 5 PUBACK with an error reason code. The row stays in the outbox; read it
        // (and everything after it) again after a pause.
        this.logger.warn({ err: { message: err.message }, seq: row.seq }, 'basket publish failed; will retry');
        this.cursor = Math.min(this.cursor, row.seq - 1);
        this.buffer = [];
        this.bufferAt = 0;
        this.exhausted = false;
        if (this.retryTimer === null) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.pump();
          }, this.opts.retryMs);
        }
        return;
      }
      this.pump();
    });
  }

  private scheduleFlush(delayMs = this.opts.ackFlushMs): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => this.flushAcks(), delayMs);
  }

  /**
   * Commit the acks gathered so far. Also called on stop (`final`): then a failure is not retried,
   * and the acks it could not record are logged as the baskets that will be sent again.
   */
  flushAcks(final = false): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.acks.length === 0) return;
    const seqs = this.acks;
    try {
      this.outbox.markAcked(seqs);
    } catch (err) {
      // Keep them and try again: the rows stay pending in the outbox, and until recorded they are
      // skipped when read (see next()), so nothing is sent twice while this process lives.
      this.ackRecordFailures++;
      if (final) {
        this.logger.error({ err, acksUnrecorded: this.unrecorded.size }, 'stopping with PUBACKs the outbox could not record: these baskets will be sent again (head office drops them by id)');
        return;
      }
      this.ackFault.fail(err, { acksUnrecorded: this.unrecorded.size });
      this.scheduleFlush(ACK_RETRY_MS);
      return;
    }
    this.acks = [];
    for (const s of seqs) this.unrecorded.delete(s);
    this.ackFault.ok();
    this.pump();
  }
}

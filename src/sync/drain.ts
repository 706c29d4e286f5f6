/**
 * Publishes the outbox in order at QoS 1 with a bounded in-flight window, and records each
 * PUBACK in the outbox (batched: one commit per few milliseconds of acks). On disconnect
 * everything unacknowledged is forgotten here and read again from the outbox on the next
 * connection: delivery is at least once, and head office de-duplicates on the basket id.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
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

export class Drainer {
  private client: MqttClient | null = null;
  private generation = 0;
  private cursor = 0;
  private buffer: OutboxRow[] = [];
  private bufferAt = 0;
  private readonly inflight = new Set<number>();
  private acks: number[] = [];
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
  }

  get inFlight(): number {
    return this.inflight.size;
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
    return row;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.client !== null && this.retryTimer === null && this.inflight.size < this.window) {
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
        this.acked++;
        this.scheduleFlush();
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

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => this.flushAcks(), this.opts.ackFlushMs);
  }

  /** Commit the acks gathered so far. Also called on stop. */
  flushAcks(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.acks.length === 0) return;
    const seqs = this.acks;
    this.acks = [];
    try {
      this.outbox.markAcked(seqs);
    } catch (err) {
      // The rows stay pending and are sent again: a duplicate, never a loss.
      this.logger.error({ err }, 'could not record PUBACKs in the outbox');
    }
  }
}

/**
 * The durable basket outbox: its own SQLite file (dataDir/outbox.db), the source of truth for what
 * head office has not yet acknowledged. mqtt.js's in-memory store is never relied on: a row leaves
 * the pending set only when the broker's PUBACK for it has arrived (`markAcked`).
 *
 * One table holds both pending rows and tombstones of acknowledged ones (payload NULL, acked_at
 * set), so the UNIQUE basket id makes `enqueue` idempotent against both. Tombstones, and pending
 * rows, older than `maxAgeDays` are pruned; pending ones count as dropped.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import { TillboxError } from '../errors.js';
import { migrateOutbox } from './outbox-migrations.js';

export type WhenFull = 'drop-oldest' | 'reject-new';

export interface OutboxOptions {
  /** Most pending baskets kept (sync.outboxMaxRows). */
  maxRows: number;
  /** Pending rows and tombstones older than this are pruned (sync.outboxMaxAgeDays). */
  maxAgeDays: number;
  whenFull: WhenFull;
  /** Milliseconds since the epoch; injected so tests can age rows. */
  now?: () => number;
}

export interface OutboxRow {
  seq: number;
  id: string;
  payload: string;
}

export interface OutboxCounters {
  /** Baskets waiting for a PUBACK. */
  backlog: number;
  /** Every basket lost to a bound, ever: dropped-oldest, rejected-new and aged out. */
  dropped: number;
  droppedOldest: number;
  rejectedNew: number;
  expired: number;
  /** Epoch ms of the last PUBACK recorded, or null. */
  lastAckAt: number | null;
}

export type EnqueueResult = 'queued' | 'duplicate';
type EnqueueOutcome = EnqueueResult | 'rejected';

const DAY_MS = 86_400_000;
const COUNTER_KEYS = ['droppedOldest', 'rejectedNew', 'expired', 'lastAckAt'] as const;
type CounterKey = (typeof COUNTER_KEYS)[number];

export class Outbox {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly opts: OutboxOptions;
  private readonly now: () => number;
  private backlogCount: number;
  private readonly tally: Record<CounterKey, number>;
  private readonly stmt: ReturnType<Outbox['prepare']>;

  constructor(file: string, opts: OutboxOptions) {
    this.file = file;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      // FULL: a basket the ledger handed over must survive a power cut, and so must an ack.
      this.db.pragma('synchronous = FULL');
      migrateOutbox(this.db);
    } catch (err) {
      if (err instanceof TillboxError) throw err; // schema too new / migration failed: keep the code
      throw new TillboxError('TBX_OUTBOX_OPEN_FAILED', `${file}: cannot open the sync outbox (${(err as Error).message})`, { cause: err });
    }
    this.stmt = this.prepare();
    this.backlogCount = (this.stmt.countPending.get() as { n: number }).n;
    this.tally = { droppedOldest: 0, rejectedNew: 0, expired: 0, lastAckAt: 0 };
    for (const row of this.stmt.allCounters.all() as { key: string; value: number }[]) {
      if ((COUNTER_KEYS as readonly string[]).includes(row.key)) this.tally[row.key as CounterKey] = row.value;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      countPending: db.prepare('SELECT count(*) AS n FROM outbox WHERE acked_at IS NULL'),
      allCounters: db.prepare('SELECT key, value FROM counters'),
      setCounter: db.prepare('INSERT INTO counters (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      insert: db.prepare('INSERT OR IGNORE INTO outbox (id, payload, created_at) VALUES (?, ?, ?)'),
      findById: db.prepare('SELECT seq, acked_at FROM outbox WHERE id = ?'),
      deleteSeq: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      oldestPending: db.prepare('SELECT seq FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT ?'),
      pendingAfter: db.prepare('SELECT seq, id, payload FROM outbox WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?'),
      ack: db.prepare('UPDATE outbox SET acked_at = ?, payload = NULL WHERE seq = ? AND acked_at IS NULL'),
      expirePending: db.prepare('DELETE FROM outbox WHERE acked_at IS NULL AND created_at < ?'),
      pruneTombstones: db.prepare('DELETE FROM outbox WHERE acked_at IS NOT NULL AND acked_at < ?'),
    };
  }

  /**
   * Queue one basket. Idempotent by id: an id already waiting, or acknowledged and still
   * remembered as a tombstone, is a no-op ('duplicate'). With `revive`, an acknowledged id is
   * queued again at the end (resync on head office's request); a waiting one stays a no-op.
   * When full: drop-oldest deletes the oldest waiting basket and counts it; reject-new throws
   * TBX_OUTBOX_FULL and counts the rejection.
   */
  enqueue(id: string, payload: string, opts: { revive?: boolean } = {}): EnqueueResult {
    // The rejection is counted inside the (committed) transaction, then reported by throwing.
    const outcome = this.atomically(() => this.enqueueOne(id, payload, opts.revive === true));
    if (outcome === 'rejected') {
      throw new TillboxError('TBX_OUTBOX_FULL', `sync outbox is full (${this.backlogCount} baskets waiting, sync.outboxMaxRows ${this.opts.maxRows}, sync.whenFull reject-new); basket ${id} rejected`);
    }
    return outcome;
  }

  /** Many baskets in one commit (one fsync): resync and bulk loads. Rejected ones are counted, not thrown. */
  enqueueMany(rows: Iterable<{ id: string; payload: string }>, opts: { revive?: boolean } = {}): { queued: number; duplicate: number; rejected: number } {
    return this.atomically(() => {
      const n = { queued: 0, duplicate: 0, rejected: 0 };
      for (const r of rows) n[this.enqueueOne(r.id, r.payload, opts.revive === true)]++;
      return n;
    });
  }

  private enqueueOne(id: string, payload: string, revive: boolean): EnqueueOutcome {
    const existing = this.stmt.findById.get(id) as { seq: number; acked_at: number | null } | undefined;
    if (existing !== undefined) {
      if (!revive || existing.acked_at === null) return 'duplicate';
      this.stmt.deleteSeq.run(existing.seq);
    }
    if (this.backlogCount >= this.opts.maxRows) {
      if (this.opts.whenFull === 'reject-new') {
        this.bump('rejectedNew', 1);
        return 'rejected';
      }
      const excess = this.backlogCount - this.opts.maxRows + 1;
      for (const row of this.stmt.oldestPending.all(excess) as { seq: number }[]) this.stmt.deleteSeq.run(row.seq);
      this.backlogCount -= excess;
      this.bump('droppedOldest', excess);
    }
    this.stmt.insert.run(id, payload, this.now());
    this.backlogCount++;
    return 'queued';
  }

  /** Up to `limit` waiting rows with seq > afterSeq, oldest first. */
  pendingAfter(afterSeq: number, limit: number): OutboxRow[] {
    return this.stmt.pendingAfter.all(afterSeq, limit) as OutboxRow[];
  }

  /** Record PUBACKs for these rows in one commit. Rows already gone (dropped) are skipped. */
  markAcked(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    const at = this.now();
    return this.atomically(() => {
      let n = 0;
      for (const seq of seqs) n += this.stmt.ack.run(at, seq).changes;
      this.backlogCount -= n;
      if (n > 0) this.setCounter('lastAckAt', at);
      return n;
    });
  }

  /** Apply the age bound: drop (and count) waiting rows and forget tombstones older than maxAgeDays. */
  prune(): { expired: number; tombstones: number } {
    const cutoff = this.now() - this.opts.maxAgeDays * DAY_MS;
    return this.atomically(() => {
      const expired = this.stmt.expirePending.run(cutoff).changes;
      const tombstones = this.stmt.pruneTombstones.run(cutoff).changes;
      if (expired > 0) {
        this.backlogCount -= expired;
        this.bump('expired', expired);
      }
      return { expired, tombstones };
    });
  }

  counters(): OutboxCounters {
    const c = this.tally;
    return {
      backlog: this.backlogCount,
      dropped: c.droppedOldest + c.rejectedNew + c.expired,
      droppedOldest: c.droppedOldest,
      rejectedNew: c.rejectedNew,
      expired: c.expired,
      lastAckAt: c.lastAckAt === 0 ? null : c.lastAckAt,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * One transaction; the in-memory counters it moved are put back if it does not commit (a full
   * disk makes every retry fail: the backlog must not drift by a failed attempt each time).
   */
  private atomically<T>(fn: () => T): T {
    const backlog = this.backlogCount;
    const tally = { ...this.tally };
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      this.backlogCount = backlog;
      Object.assign(this.tally, tally);
      throw err;
    }
  }

  private bump(key: CounterKey, by: number): void {
    this.tally[key] += by;
    this.stmt.setCounter.run(key, this.tally[key]);
  }

  private setCounter(key: CounterKey, value: number): void {
    this.tally[key] = value;
    this.stmt.setCounter.run(key, value);
  }
}

export function openOutbox(file: string, opts: OutboxOptions): Outbox {
  return new Outbox(file, opts);
}

/** `dataDir/outbox.db` with the bounds from config.sync. */
export function openSyncOutbox(config: Pick<Config, 'dataDir' | 'sync'>, now?: () => number): Outbox {
  return new Outbox(join(config.dataDir, 'outbox.db'), {
    maxRows: config.sync.outboxMaxRows,
    maxAgeDays: config.sync.outboxMaxAgeDays,
    whenFull: config.sync.whenFull,
    ...(now === undefined ? {} : { now }),
  });
}

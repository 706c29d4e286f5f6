/**
 * Builds the StatusSnapshot the page shows from the tap's once-a-second IPC figures
 * (TapStatsMessage) and what the analytics side knows itself (ledger, sync, probes).
 * Pure: the caller passes the clock, so stale tap figures are judged here and tested.
 */
import type { TapStatsMessage } from '../daemon/messages.js';
import type { LinkStatus, StatusSnapshot } from './deps.js';

/** Tap figures older than this mean the tap process stopped talking: links shown as unknown. */
export const TAP_STALE_MS = 5_000;

/** What the analytics side knows itself, in the snapshot's own shapes; `dropped` adds to the tap's counters. */
export interface StatusParts
  extends Pick<StatusSnapshot, 'version' | 'receiptsToday' | 'parse' | 'journalBacklogBytes' | 'outboxBacklog' | 'broker' | 'dropped' | 'clock' | 'disk' | 'printerText' | 'notPrinted' | 'printerPaper' | 'parseFailedToday'> {
  outboxAcks?: StatusSnapshot['outboxAcks'];
  /** The analytics side's own failing writes (the journal's come with the tap's figures). */
  faults?: { part: string; reason: 'disk_full' | 'write_failed'; since: number }[];
  nowMs: number;
  /** The last message from the tap, null before the first one. */
  tap: TapStatsMessage | null;
  /** Used for uptime before the first tap message. */
  processUptimeSeconds: number;
}

export function statusSnapshot(p: StatusParts): StatusSnapshot {
  const tap = p.tap;
  const stale = tap === null ? 'no figures from the tap yet' : p.nowMs - tap.at > TAP_STALE_MS ? `tap silent for ${Math.round((p.nowMs - tap.at) / 1000)} s` : null;
  const link = (side: 'pos' | 'printer'): LinkStatus => {
    if (tap === null || stale !== null) return { state: 'unknown', reason: stale ?? 'unknown' };
    const s = tap.links[side];
    if (s.up) return { state: 'up' };
    return { state: 'down', reason: s.lastError ?? `${s.address} not open` };
  };
  return {
    version: p.version,
    uptimeSeconds: tap === null ? Math.round(p.processUptimeSeconds) : Math.round(tap.uptimeMs / 1000),
    links: { pos: link('pos'), printer: link('printer') },
    bytes: tap === null ? { posToPrinter: 0, printerToPos: 0 } : { ...tap.bytes },
    receiptsToday: p.receiptsToday,
    parse: { ...p.parse },
    journalBacklogBytes: p.journalBacklogBytes,
    outboxBacklog: p.outboxBacklog,
    broker: p.broker,
    dropped: {
      ...(tap === null
        ? {}
        : {
            chunksWhilePrinterDown: tap.droppedWhilePrinterDown.chunks,
            chunksWhilePosDown: tap.droppedWhilePosDown.chunks,
            journalChunks: tap.journal.dropped,
            journalBytes: tap.journal.droppedBytes,
          }),
      ...p.dropped,
    },
    clock: p.clock,
    disk: p.disk,
    printerText: p.printerText ?? null,
    ...(p.notPrinted === undefined ? {} : { notPrinted: p.notPrinted }),
    ...(p.printerPaper === undefined ? {} : { printerPaper: p.printerPaper }),
    ...(p.parseFailedToday === undefined ? {} : { parseFailedToday: p.parseFailedToday }),
    ...writeFaultOf(tap, p.faults ?? []),
    ...(p.outboxAcks === undefined ? {} : { outboxAcks: p.outboxAcks }),
    // Stale tap figures say nothing about the relay (the helper releases it if the tap hangs).
    ...(tap?.bypass === undefined || stale !== null ? {} : { bypass: { ...tap.bypass } }),
  };
}

/** The tap's journal stall and the analytics side's own failing writes, as one fault (or none). */
export function writeFaultOf(tap: TapStatsMessage | null, own: NonNullable<StatusParts['faults']>): Pick<StatusSnapshot, 'writeFault'> {
  const all = [...own];
  const j = tap?.journal.stalled;
  if (j !== null && j !== undefined) all.push({ part: 'journal', reason: j.reason, since: j.since });
  if (all.length === 0) return {};
  return {
    writeFault: {
      reason: all.some((f) => f.reason === 'disk_full') ? 'disk_full' : 'write_failed',
      parts: all.map((f) => f.part),
      since: new Date(Math.min(...all.map((f) => f.since))).toISOString(),
    },
  };
}

/**
 * The page's health strip, judged on the server so the API, the page and /metrics agree.
 * Each light carries a reason code (translated by the page) and the raw detail text.
 */
import type { StatusSnapshot } from './deps.js';

export type HealthLevel = 'ok' | 'warn' | 'bad';

export interface HealthLight {
  level: HealthLevel;
  /** Stable code, e.g. link_down, broker_disabled, disk_low, disk_full, write_failed, clock_unsynced. */
  reason: string;
  detail?: string;
}

export interface Health {
  pos: HealthLight;
  printer: HealthLight;
  broker: HealthLight;
  disk: HealthLight;
  clock: HealthLight;
}

export interface HealthLimits {
  /** Below this much free space the disk light is red. */
  diskMinFreeBytes: number;
  /** Below this fraction free it is amber. */
  diskWarnFraction: number;
  /** Baskets waiting and no broker ack for this long: amber. */
  ackStaleMs: number;
}

export const DEFAULT_HEALTH_LIMITS: HealthLimits = {
  diskMinFreeBytes: 200 * 1024 * 1024,
  diskWarnFraction: 0.1,
  ackStaleMs: 15 * 60_000,
};

/** A box without a real-time clock boots in 1970 until time sync; receipts would be misdated. */
const EARLIEST_PLAUSIBLE = Date.UTC(2025, 0, 1);

export function judgeHealth(s: StatusSnapshot, nowMs: number, limits: HealthLimits = DEFAULT_HEALTH_LIMITS): Health {
  return {
    pos: link(s.links.pos),
    printer: link(s.links.printer),
    broker: broker(s, nowMs, limits),
    disk: s.writeFault !== undefined ? light('bad', s.writeFault.reason, `${s.writeFault.parts.join(', ')} since ${s.writeFault.since}`) : disk(s.disk, limits),
    clock: clock(s.clock, nowMs),
  };
}

function light(level: HealthLevel, reason: string, detail?: string): HealthLight {
  return detail === undefined ? { level, reason } : { level, reason, detail };
}

function link(l: StatusSnapshot['links']['pos']): HealthLight {
  if (l.state === 'up') return light('ok', 'link_up');
  if (l.state === 'unknown') return light('warn', 'link_unknown', l.reason);
  return light('bad', 'link_down', l.reason);
}

function broker(s: StatusSnapshot, nowMs: number, limits: HealthLimits): HealthLight {
  const b = s.broker;
  if (b.state === 'disabled') return light('warn', 'broker_disabled', `${s.outboxBacklog}`);
  if (b.state !== 'connected') return light('bad', 'broker_down', b.reason);
  const lastAck = b.lastAckAt === null ? null : Date.parse(b.lastAckAt);
  if (s.outboxBacklog > 0 && (lastAck === null || nowMs - lastAck > limits.ackStaleMs)) {
    return light('warn', 'ack_stale', `${s.outboxBacklog}`);
  }
  return light('ok', 'broker_connected');
}

function disk(d: StatusSnapshot['disk'], limits: HealthLimits): HealthLight {
  if (d === null) return light('warn', 'disk_unknown');
  const detail = `${Math.floor(d.freeBytes / (1024 * 1024))} MiB`;
  if (d.freeBytes === 0) return light('bad', 'disk_full', detail);
  if (d.freeBytes < limits.diskMinFreeBytes) return light('bad', 'disk_low', detail);
  if (d.totalBytes > 0 && d.freeBytes / d.totalBytes < limits.diskWarnFraction) return light('warn', 'disk_low', detail);
  return light('ok', 'disk_ok', detail);
}

function clock(c: StatusSnapshot['clock'], nowMs: number): HealthLight {
  if (nowMs < EARLIEST_PLAUSIBLE) return light('bad', 'clock_wrong', new Date(nowMs).toISOString());
  if (c.synced === false) return light('bad', 'clock_unsynced', c.reason);
  if (c.synced === null) return light('warn', 'clock_unknown', c.reason);
  return light('ok', 'clock_synced', c.source);
}

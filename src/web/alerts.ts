/**
 * The alert list at the top of the owner's page: only what needs the owner, each with a stable
 * code the page words in its language ("what happened" and "what to do"), and the figures to
 * put in. Judged on the server next to the health lights, from the same snapshot.
 */
import type { NotPrinted, StatusSnapshot } from './deps.js';
import type { Health } from './health.js';

/** Head office unreachable for longer than this is worth the owner's attention. */
export const BROKER_ALERT_AFTER_MS = 3_600_000;

export type AlertCode = 'not_printed' | 'paper_out' | 'cover_open' | 'paper_near_end' | 'parse_failed' | 'broker_unreachable' | 'disk' | 'clock';

export interface Alert {
  code: AlertCode;
  level: 'warn' | 'bad';
  /** ISO time the condition was seen (or began), when known. */
  since?: string;
  /** Figures for the text: a count, hours, receipts. */
  n?: number;
  receipts?: NotPrinted[];
}

export function judgeAlerts(s: StatusSnapshot, health: Health, nowMs: number): Alert[] {
  const out: Alert[] = [];
  const notPrinted = s.notPrinted ?? [];
  if (notPrinted.length > 0) out.push({ code: 'not_printed', level: 'bad', n: notPrinted.length, receipts: notPrinted });
  const paper = s.printerPaper ?? null;
  if (paper !== null && paper.state !== 'ok' && paper.state !== 'offline') out.push({ code: paper.state, level: paper.state === 'paper_near_end' ? 'warn' : 'bad', since: paper.at });
  if ((s.parseFailedToday ?? 0) > 0) out.push({ code: 'parse_failed', level: 'warn', n: s.parseFailedToday ?? 0 });
  const down = s.broker.downSince === undefined ? null : Date.parse(s.broker.downSince);
  if (down !== null && nowMs - down > BROKER_ALERT_AFTER_MS) out.push({ code: 'broker_unreachable', level: 'warn', since: s.broker.downSince ?? '', n: Math.floor((nowMs - down) / 3_600_000) });
  if (health.disk.reason === 'disk_low' || health.disk.reason === 'disk_full' || health.disk.reason === 'write_failed') out.push({ code: 'disk', level: health.disk.level === 'ok' ? 'warn' : health.disk.level });
  if (health.clock.reason === 'clock_unsynced' || health.clock.reason === 'clock_wrong') out.push({ code: 'clock', level: 'bad' });
  return out;
}

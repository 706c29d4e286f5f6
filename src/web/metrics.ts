/**
 * Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then samples. Counters end in
 * `_total`; label values are escaped (backslash, quote, newline). Same figures as /api/status.
 */
import type { StatusSnapshot } from './deps.js';
import type { Health } from './health.js';

type Kind = 'counter' | 'gauge';
interface Sample {
  labels?: Record<string, string>;
  value: number;
}

export interface WebCounters {
  sseClients: number;
  /** Live streams refused by the caps (live.ts), by scope. */
  sseRefused: { session: number; total: number };
  loginFailures: number;
  loginRateLimited: number;
}

export function renderMetrics(s: StatusSnapshot, health: Health, web: WebCounters): string {
  const out: string[] = [];
  const metric = (name: string, kind: Kind, help: string, samples: Sample[]): void => {
    out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${kind}`);
    for (const { labels, value } of samples) out.push(`${name}${renderLabels(labels)} ${formatValue(value)}`);
  };
  const level = (l: { level: string }): number => (l.level === 'ok' ? 1 : 0);

  metric('tillbox_info', 'gauge', 'Build information (always 1).', [{ labels: { version: s.version }, value: 1 }]);
  metric('tillbox_uptime_seconds', 'gauge', 'Seconds since the daemon started.', [{ value: s.uptimeSeconds }]);
  metric('tillbox_link_up', 'gauge', 'Whether a side of the tap is connected (1 up, 0 down or unknown).', [
    { labels: { side: 'pos' }, value: s.links.pos.state === 'up' ? 1 : 0 },
    { labels: { side: 'printer' }, value: s.links.printer.state === 'up' ? 1 : 0 },
  ]);
  if (s.bypass !== undefined) {
    metric('tillbox_bypass_energised', 'gauge', 'Whether the bypass relay is energised (1: the box relays; 0: POS and printer wired direct).', [{ value: s.bypass.energised ? 1 : 0 }]);
  }
  metric('tillbox_relayed_bytes_total', 'counter', 'Bytes relayed through the tap since start.', [
    { labels: { direction: 'pos_to_printer' }, value: s.bytes.posToPrinter },
    { labels: { direction: 'printer_to_pos' }, value: s.bytes.printerToPos },
  ]);
  metric('tillbox_receipts_today', 'gauge', 'Receipts recorded today (store time zone).', [{ value: s.receiptsToday }]);
  metric('tillbox_parsed_receipts_total', 'counter', 'Documents parsed since start, by result.', [
    { labels: { result: 'ok' }, value: s.parse.ok },
    { labels: { result: 'failed' }, value: s.parse.failed },
  ]);
  const rate = parseSuccessRate(s);
  if (rate !== null) metric('tillbox_parse_success_ratio', 'gauge', 'Share of documents parsed into valid receipts since start.', [{ value: rate }]);
  metric('tillbox_journal_backlog_bytes', 'gauge', 'Journal bytes not yet decoded and parsed.', [{ value: s.journalBacklogBytes }]);
  metric('tillbox_outbox_backlog', 'gauge', 'Baskets waiting for a broker acknowledgement.', [{ value: s.outboxBacklog }]);
  metric('tillbox_broker_connected', 'gauge', 'Whether the MQTT broker connection is up.', [{ value: s.broker.state === 'connected' ? 1 : 0 }]);
  if (s.broker.lastAckAt !== null) {
    metric('tillbox_broker_last_ack_timestamp_seconds', 'gauge', 'Unix time of the last basket acknowledged by the broker.', [{ value: Date.parse(s.broker.lastAckAt) / 1000 }]);
  }
  metric('tillbox_dropped_total', 'counter', 'Things given up on since start, by kind.', Object.entries(s.dropped).map(([what, value]) => ({ labels: { what }, value })));
  metric('tillbox_clock_synced', 'gauge', 'Whether the clock is synchronised (1 yes, 0 no or unknown).', [{ value: s.clock.synced === true ? 1 : 0 }]);
  if (s.disk !== null) {
    metric('tillbox_disk_free_bytes', 'gauge', 'Free bytes on the data directory filesystem.', [{ value: s.disk.freeBytes }]);
    metric('tillbox_disk_total_bytes', 'gauge', 'Size of the data directory filesystem.', [{ value: s.disk.totalBytes }]);
  }
  if (s.writeFault !== undefined) {
    metric('tillbox_write_fault', 'gauge', 'Parts whose writes to the data disk fail now (1), by reason.', s.writeFault.parts.map((part) => ({ labels: { part, reason: s.writeFault?.reason ?? '' }, value: 1 })));
  }
  if (s.outboxAcks !== undefined) {
    metric('tillbox_outbox_acks_unrecorded', 'gauge', 'Broker acknowledgements held in memory because the outbox could not record them.', [{ value: s.outboxAcks.unrecorded }]);
    metric('tillbox_outbox_ack_record_failures_total', 'counter', 'Failed attempts to record broker acknowledgements in the outbox.', [{ value: s.outboxAcks.recordFailures }]);
  }
  const pt = s.printerText;
  if (pt !== undefined && pt !== null) {
    metric('tillbox_printer_text_info', 'gauge', 'How printer text is read: mode, encoding or code page, and where that came from (always 1).', [
      { labels: { mode: pt.mode, label: pt.label, source: pt.source }, value: 1 },
    ]);
    metric('tillbox_printer_text_confidence', 'gauge', 'Confidence of the detected text settings (0.5 a coin toss, 1 sure).', [{ value: pt.confidence }]);
    metric('tillbox_printer_text_documents', 'gauge', 'Documents with non-ASCII text the text detection rests on.', [{ value: pt.documents }]);
    metric('tillbox_printer_text_mojibake_ratio', 'gauge', 'Share of recent non-ASCII characters that look like mojibake (box drawing, U+FFFD).', [{ value: pt.mojibakeShare }]);
  }
  metric('tillbox_health_ok', 'gauge', 'Health strip lights (1 green, 0 amber or red).', (Object.keys(health) as (keyof Health)[]).map((k) => ({ labels: { check: k }, value: level(health[k]) })));
  metric('tillbox_web_live_clients', 'gauge', 'Status pages connected for live updates.', [{ value: web.sseClients }]);
  metric('tillbox_web_live_refused_total', 'counter', 'Live streams refused since start: too many for one session, or for the box.', [
    { labels: { scope: 'session' }, value: web.sseRefused.session },
    { labels: { scope: 'total' }, value: web.sseRefused.total },
  ]);
  metric('tillbox_web_login_failures_total', 'counter', 'Wrong owner passwords since start.', [{ value: web.loginFailures }]);
  metric('tillbox_web_login_rate_limited_total', 'counter', 'Login attempts refused by the rate limit since start.', [{ value: web.loginRateLimited }]);
  return `${out.join('\n')}\n`;
}

export function parseSuccessRate(s: StatusSnapshot): number | null {
  const total = s.parse.ok + s.parse.failed;
  return total === 0 ? null : s.parse.ok / total;
}

function renderLabels(labels: Record<string, string> | undefined): string {
  if (labels === undefined) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${parts.join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Prometheus lines for notifications: what will actually go out, and the outbox by state. */
import type { NotificationsState } from './notify-deps.js';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderNotifyMetrics(s: NotificationsState): string {
  const out: string[] = [
    '# HELP tillbox_notify_reach_members Members a channel would reach, per kind (consent granted and the contact the channel needs on file).',
    '# TYPE tillbox_notify_reach_members gauge',
  ];
  for (const ch of s.channels) {
    for (const kind of ['expiry', 'monthly', 'buyAgain', 'offers'] as const) {
      out.push(`tillbox_notify_reach_members{channel="${esc(ch)}",kind="${kind}"} ${s.reach[ch]?.[kind] ?? 0}`);
    }
  }
  out.push(
    '# HELP tillbox_notify_expiry_messages_tomorrow Expiry reminder messages due tomorrow that a channel will send (members without consent count zero).',
    '# TYPE tillbox_notify_expiry_messages_tomorrow gauge',
  );
  for (const ch of s.channels) out.push(`tillbox_notify_expiry_messages_tomorrow{channel="${esc(ch)}"} ${s.reminders.messagesTomorrow[ch] ?? 0}`);
  out.push('# HELP tillbox_notify_deliveries Notification deliveries in the outbox by channel and state.', '# TYPE tillbox_notify_deliveries gauge');
  for (const [ch, c] of Object.entries(s.deliveries.counts)) {
    for (const [state, v] of Object.entries(c)) out.push(`tillbox_notify_deliveries{channel="${esc(ch)}",state="${state}"} ${v}`);
  }
  return `${out.join('\n')}\n`;
}

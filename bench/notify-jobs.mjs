/**
 * The job phase of bench/notify.ts, in its own plain-Node process running the compiled code
 * (dist/, `npm run build`), like the analytics process on the box: no tsx, and none of the
 * bench's ledger building. Opens the ledger bench/notify.ts built, runs the daily reminder job
 * and the monthly summary job end to end (queue, then drain the outbox into the sink), and prints
 * one JSON line: per phase messages/s, this process's peak RSS (VmHWM) and its RSS before the
 * jobs, and the longest event-loop pause while the jobs ran.
 *
 *   node bench/notify-jobs.mjs LEDGER SMTP_PORT WEBHOOK_PORT SECRET
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openLedger } from '../dist/ledger/open.js';
import { emailChannel } from '../dist/shopper/channel-email.js';
import { webhookChannel } from '../dist/shopper/channel-webhook.js';
import { queueMonthlySummaries } from '../dist/shopper/monthly.js';
import { createOutbox } from '../dist/shopper/outbox.js';
import { queueDueRemindersInChunks } from '../dist/shopper/reminders/queue.js';

const [file, smtpPort, webhookPort, secret] = process.argv.slice(2);
const statusKb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

const ledger = openLedger(file, { timezone: 'Asia/Shanghai', currency: 'CNY' });
const email = emailChannel({ email: { host: '127.0.0.1', port: Number(smtpPort), security: 'none', from: 'bench <bench@example.invalid>' }, storeName: 'bench' });
const hook = webhookChannel({ url: `http://127.0.0.1:${webhookPort}/hook`, secret });
const outbox = createOutbox(ledger, [email, hook]);
const rssBeforeKb = statusKb('VmRSS');
let peakAllKb = statusKb('VmHWM');

// Pauses: the event-loop delay histogram, plus a 10 ms ticker's longest gap as a second opinion.
const delay = monitorEventLoopDelay({ resolution: 10 });
let lastTick = performance.now();
let longestGap = 0;
let pauses200 = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  const gap = now - lastTick - 10;
  if (gap > 200) pauses200++;
  longestGap = Math.max(longestGap, gap);
  lastTick = now;
}, 10);
delay.enable();

// Peak RSS per phase: writing 5 to clear_refs resets this process's VmHWM to its current RSS.
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');

async function phase(name, queue) {
  resetPeak();
  const a = performance.now();
  const queued = await queue();
  const b = performance.now();
  let delivered = 0;
  while (outbox.pendingCount() > 0) {
    const r = await outbox.drain(new Date('2026-12-01T02:00:00Z'));
    delivered += r.delivered;
    if (r.delivered === 0 && r.failed > 0) throw new Error(`${name}: deliveries failing`);
  }
  const c = performance.now();
  const peakKb = statusKb('VmHWM');
  peakAllKb = Math.max(peakAllKb, peakKb);
  return { phase: name, peakRssMB: Math.round(peakKb / 1024), queued, delivered, queueS: (b - a) / 1000, deliverS: (c - b) / 1000, messagesPerS: delivered / ((c - a) / 1000) };
}

const reminders = await phase('daily expiry reminders', async () => (await queueDueRemindersInChunks(ledger, outbox, { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' }, new Date('2026-12-02T01:30:00Z'))).messages);
const monthly = await phase('monthly summaries', async () => (await queueMonthlySummaries(ledger, outbox, 'zh', new Date('2026-12-01T01:00:00Z'))).messages);
clearInterval(ticker);
delay.disable();
const result = {
  phases: [reminders, monthly],
  rssBeforeJobsMB: Math.round(rssBeforeKb / 1024),
  peakRssMB: Math.round(Math.max(peakAllKb, statusKb('VmHWM')) / 1024),
  longestPauseMs: Math.round(Math.max(delay.max / 1e6, longestGap)),
  pausesOver200ms: pauses200,
};
email.close();
ledger.close();
process.stdout.write(`${JSON.stringify(result)}\n`);

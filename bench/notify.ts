/**
 * Notifications end to end: M members with a purchase last month whose bread expires tomorrow,
 * a share of them consenting (half by e-mail, half by webhook with a mobile number); the daily
 * reminder job and the monthly summary job queue their messages and the outbox delivers them to
 * a real SMTP server and a real webhook receiver (bench/notify-sink.ts, another process).
 * Prints messages/s per phase, peak RSS and the longest event-loop pause of this process (the
 * analytics process on the box). `--json` for one JSON object.
 *
 *   npx tsx bench/notify.ts [--members 100000] [--consenting 0.3] [--json]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openLedger } from '../src/ledger/open.js';
import type { Receipt } from '../src/receipt/types.js';
import { emailChannel } from '../src/shopper/channel-email.js';
import { webhookChannel } from '../src/shopper/channel-webhook.js';
import { queueMonthlySummaries } from '../src/shopper/monthly.js';
import { createOutbox } from '../src/shopper/outbox.js';
import { queueDueRemindersInChunks } from '../src/shopper/reminders/queue.js';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, consenting: { type: 'string', default: '0.3' }, json: { type: 'boolean', default: false } } });
const M = Number(values.members);
const SHARE = Number(values.consenting);
const SECRET = 'bench-webhook-secret-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'tillbox-bench-notify-'));
const sink = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'notify-sink.ts'), SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: sink.stdout }).once('line', resolve))) as { smtp: number; webhook: number };
const count = async (): Promise<{ mails: number; hooks: number; badSignatures: number }> => (await fetch(`http://127.0.0.1:${ports.webhook}/count`)).json() as Promise<{ mails: number; hooks: number; badSignatures: number }>;

const ledger = openLedger(join(dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY' });
const member = (i: number): string => `88${String(i).padStart(8, '0')}`;
const t0 = performance.now();
for (let start = 0; start < M; start += 5000) {
  const batch: { receipt: Receipt; source: { journalFrom: number; journalTo: number } }[] = [];
  for (let i = start; i < Math.min(M, start + 5000); i++) {
    const items = [{ sku: null, name: '全麦面包', qty: 1, unitPrice: 890, amount: 890 }, { sku: null, name: '光明酸奶', qty: 2, unitPrice: 580, amount: 1160 }];
    batch.push({
      receipt: { id: `b-${i}`, store: 'bench', till: '01', receiptNo: String(i), time: `2026-11-30T${String(8 + (i % 12)).padStart(2, '0')}:00:00+08:00`, member: member(i), currency: 'CNY', items, discounts: [], total: 2050, payments: [{ method: 'cash', amount: 2050 }], change: 0, kind: 'sale', check: { itemsMatchTotal: true, confidence: 0.98, problems: [] }, profile: 'bench' },
      source: { journalFrom: i, journalTo: i + 1 },
    });
  }
  ledger.ingestMany(batch);
}
const loadS = (performance.now() - t0) / 1000;

const email = emailChannel({ email: { host: '127.0.0.1', port: ports.smtp, security: 'none', from: 'bench <bench@example.invalid>' }, storeName: 'bench' });
const hook = webhookChannel({ url: `http://127.0.0.1:${ports.webhook}/hook`, secret: SECRET });
const outbox = createOutbox(ledger, [email, hook]);
let consenting = 0;
ledger.db.transaction(() => {
  for (let i = 0; i < M; i++) {
    if ((i * 7919) % 1000 >= SHARE * 1000) continue;
    consenting++;
    const viaEmail = consenting % 2 === 0;
    outbox.consent.signUp(member(i), {
      source: 'qr', wording: 'bench', contacts: viaEmail ? { email: `m${i}@example.invalid` } : { mobile: `1380000${String(i).padStart(4, '0').slice(-4)}` },
      grant: [{ channel: viaEmail ? 'email' : 'webhook', kinds: ['expiry', 'monthly'] }],
    });
  }
})();

// Pauses: the event-loop delay histogram, plus a 10 ms ticker's longest gap as a second opinion.
const delay = monitorEventLoopDelay({ resolution: 10 });
let lastTick = performance.now();
let longestGap = 0;
// Peak RSS while the jobs run (maxRSS would include loading the bench ledger).
let jobsRss = process.memoryUsage.rss();
const ticker = setInterval(() => {
  jobsRss = Math.max(jobsRss, process.memoryUsage.rss());
  const now = performance.now();
  longestGap = Math.max(longestGap, now - lastTick - 10);
  lastTick = now;
}, 10);

async function phase(name: string, queue: () => Promise<number> | number): Promise<{ phase: string; queued: number; delivered: number; queueS: number; deliverS: number; messagesPerS: number }> {
  delay.enable();
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
  return { phase: name, queued, delivered, queueS: (b - a) / 1000, deliverS: (c - b) / 1000, messagesPerS: delivered / ((c - a) / 1000) };
}

const reminders = await phase('daily expiry reminders', async () => (await queueDueRemindersInChunks(ledger, outbox, { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' }, new Date('2026-12-02T01:30:00Z'))).messages);
const monthly = await phase('monthly summaries', async () => (await queueMonthlySummaries(ledger, outbox, 'zh', new Date('2026-12-01T01:00:00Z'))).messages);
clearInterval(ticker);
delay.disable();
const got = await count();
const result = {
  members: M,
  consenting,
  loadSeconds: Math.round(loadS * 10) / 10,
  phases: [reminders, monthly].map((p) => ({ ...p, queueS: Math.round(p.queueS * 100) / 100, deliverS: Math.round(p.deliverS * 100) / 100, messagesPerS: Math.round(p.messagesPerS) })),
  received: got,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  jobsPeakRssMB: Math.round(jobsRss / 1024 / 1024),
  longestPauseMs: Math.round(Math.max(delay.max / 1e6, longestGap)),
};
email.close();
ledger.close();
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(`notify bench: ${M} members, ${consenting} consenting (half e-mail, half webhook); ledger load ${result.loadSeconds} s\n`);
  for (const p of result.phases) process.stdout.write(`  ${p.phase.padEnd(24)} queued ${p.queued} in ${p.queueS} s, delivered ${p.delivered} in ${p.deliverS} s: ${p.messagesPerS} messages/s\n`);
  process.stdout.write(`  received: ${got.mails} mails, ${got.hooks} webhooks (${got.badSignatures} bad signatures)\n  peak RSS ${result.peakRssMB} MB (while the jobs ran: ${result.jobsPeakRssMB} MB; tsx and the bench ledger load included), longest event-loop pause ${result.longestPauseMs} ms\n`);
}

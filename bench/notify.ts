/**
 * Notifications end to end: M members with a purchase last month whose bread expires tomorrow,
 * a share of them consenting (half by e-mail, half by webhook with a mobile number); the daily
 * reminder job and the monthly summary job queue their messages and the outbox delivers them to
 * a real SMTP server and a real webhook receiver (bench/notify-sink.ts, another process).
 * This process (tsx) only builds the bench ledger and the consent; the jobs run in a separate
 * plain-Node process on the compiled code (bench/notify-jobs.mjs on dist/, like the analytics
 * process on the box), whose figures are the ones the target means: messages/s per phase, its
 * peak RSS (VmHWM) and its longest event-loop pause. Prints the load average with them (the
 * bench machine is shared). `--json` for one JSON object.
 *
 *   npm run build && npx tsx bench/notify.ts [--members 100000] [--consenting 0.3] [--json]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { ANALYTICS_NODE_FLAGS } from '../src/daemon/supervisor.js';
import { openLedger } from '../src/ledger/open.js';
import type { Receipt } from '../src/receipt/types.js';
import { emailChannel } from '../src/shopper/channel-email.js';
import { webhookChannel } from '../src/shopper/channel-webhook.js';
import { createOutbox } from '../src/shopper/outbox.js';

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

const setupS = (performance.now() - t0) / 1000;
email.close();
ledger.close();

// The jobs: a separate plain-Node process on the compiled code with the analytics child's heap
// flags (src/daemon/supervisor.ts), like the analytics process.
const dist = join(import.meta.dirname, '..', 'dist', 'shopper', 'reminders', 'queue.js');
if (!existsSync(dist)) throw new Error('bench/notify.ts runs the jobs from dist/: run `npm run build` first');
const jobs = spawn(process.execPath, [...ANALYTICS_NODE_FLAGS, join(import.meta.dirname, 'notify-jobs.mjs'), join(dir, 'ledger.db'), String(ports.smtp), String(ports.webhook), SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
jobs.stdout.on('data', (c: Buffer) => (out += c.toString()));
const code = await new Promise<number | null>((resolve) => jobs.once('exit', resolve));
if (code !== 0) throw new Error(`job process exited with ${code}`);
interface Phase { phase: string; peakRssMB: number; queued: number; delivered: number; queueS: number; deliverS: number; messagesPerS: number }
const job = JSON.parse(out.trim().split('\n').pop() as string) as { phases: Phase[]; rssBeforeJobsMB: number; peakRssMB: number; longestPauseMs: number; pausesOver200ms: number };
const got = await count();
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
const result = {
  members: M,
  jobNodeFlags: ANALYTICS_NODE_FLAGS,
  consenting,
  loadSeconds: Math.round(loadS * 10) / 10,
  setupSeconds: Math.round(setupS * 10) / 10,
  phases: job.phases.map((p) => ({ ...p, queueS: Math.round(p.queueS * 100) / 100, deliverS: Math.round(p.deliverS * 100) / 100, messagesPerS: Math.round(p.messagesPerS) })),
  received: got,
  jobProcess: { rssBeforeJobsMB: job.rssBeforeJobsMB, peakRssMB: job.peakRssMB, longestPauseMs: job.longestPauseMs, pausesOver200ms: job.pausesOver200ms },
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(`notify bench: ${M} members, ${consenting} consenting (half e-mail, half webhook); set-up (ledger load ${result.loadSeconds} s, consent) ${result.setupSeconds} s in the bench process\n`);
  process.stdout.write(`job process (node ${ANALYTICS_NODE_FLAGS.join(' ')} on dist/, like the analytics process):\n`);
  for (const p of result.phases) process.stdout.write(`  ${p.phase.padEnd(24)} queued ${p.queued} in ${p.queueS} s, delivered ${p.delivered} in ${p.deliverS} s: ${p.messagesPerS} messages/s, peak RSS ${p.peakRssMB} MB\n`);
  process.stdout.write(`  received: ${got.mails} mails, ${got.hooks} webhooks (${got.badSignatures} bad signatures)\n`);
  process.stdout.write(`  peak RSS (VmHWM) ${result.jobProcess.peakRssMB} MB (${result.jobProcess.rssBeforeJobsMB} MB before the jobs), longest event-loop pause ${result.jobProcess.longestPauseMs} ms (${result.jobProcess.pausesOver200ms} over 200 ms)\n`);
  process.stdout.write(`  load average ${result.loadAverage.join(' ')} (${cpus().length} CPUs)\n`);
}

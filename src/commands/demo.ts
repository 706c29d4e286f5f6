import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startEmbeddedBroker, type EmbeddedBroker } from '../demo/broker.js';
import { startDemoNotify } from '../demo/notify.js';
import { startSimPrinter } from '../demo/printer.js';
import { DEMO_MEMBERS, demoReceipts, localWallClock } from '../demo/receipts.js';
import { printJob, waitForListener } from '../demo/till.js';
import { encodeReceiptText } from '../escpos/encoder.js';
import { hashPassword } from '../web/auth/password.js';
import { parseCommandArgs } from './args.js';
import type { CommandIO } from './types.js';

export const DEMO_PASSWORD = 'tillbox-demo';

/**
 * `tillbox demo`: the whole product with nothing attached. A simulated till prints GBK receipts
 * through the real tap (TCP mode) to a simulated printer; the real daemon journals, decodes,
 * parses, keeps the ledger, syncs to an embedded MQTT broker and serves the status page.
 */
export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'data-dir': { type: 'string', default: 'demo-data' },
    port: { type: 'string', default: '8080' },
    interval: { type: 'string', default: '5' },
    receipts: { type: 'string', default: '0' },
    backfill: { type: 'string', default: '120' },
    mqtt: { type: 'string' },
    timezone: { type: 'string', default: 'Asia/Shanghai' },
  }, false);
  const dataDir = resolve(io.cwd, values['data-dir']);
  const intervalMs = Number(values.interval) * 1000;
  const liveCount = Number(values.receipts);
  const backfill = Number(values.backfill);
  mkdirSync(dataDir, { recursive: true });

  let broker: EmbeddedBroker | undefined;
  const mqttUrl = values.mqtt ?? (broker = await startEmbeddedBroker()).url;
  const printer = await startSimPrinter();
  const posPort = printer.port + 1 < 65535 ? await freeLocalPort() : 9100;
  const configFile = resolve(dataDir, 'tillbox.yaml');
  const hashFile = resolve(dataDir, 'demo-password.hash');
  const hash = existsSync(hashFile) ? readFileSync(hashFile, 'utf8').trim() : await hashPassword(DEMO_PASSWORD);
  writeFileSync(hashFile, `${hash}\n`);
  const storeName = '鲜丰超市（人民路店）';
  const notify = await startDemoNotify(dataDir, storeName);
  const ledgerFile = resolve(dataDir, 'ledger.db');
  notify.signUp(ledgerFile, values.timezone);
  const config = {
    store: { id: 'demo-store', name: storeName, timezone: values.timezone, currency: 'CNY' },
    box: { id: 'demo-box' },
    pos: { listen: `127.0.0.1:${posPort}` },
    printer: { host: '127.0.0.1', port: printer.port },
    decoder: { encoding: 'gb18030', columns: 48, idleGapMs: 2000 },
    dataDir,
    web: { host: '127.0.0.1', port: Number(values.port), adminPasswordHash: hash },
    // aedes (the embedded broker) speaks MQTT 3.1.1 only.
    mqtt: { url: mqttUrl, protocolVersion: broker === undefined ? 5 : 4 },
    // The key only signs the e-mails' unsubscribe links here: baskets still carry no member.
    sync: { member: 'none', pseudonymKey: 'demo-pseudonym-key-not-a-secret' },
    // Messages at any hour, so a demo at night shows deliveries too.
    reminders: { hour: 0, quietStart: 0, quietEnd: 0 },
    notifications: notify.notifications,
    log: { level: 'info' },
  };
  writeFileSync(configFile, `# written by tillbox demo\n${stringify(config)}`);

  const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
  const log = createWriteStream(resolve(dataDir, 'tillbox.log'), { flags: 'a' });
  const daemon: ChildProcess = spawn(process.execPath, [cli, 'run', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...io.env, ...notify.env } });
  daemon.stdout?.pipe(log);
  daemon.stderr?.pipe(log);
  let daemonExited = false;
  let stoppingDaemon = false;
  daemon.once('exit', (code) => {
    daemonExited = true;
    if (!stoppingDaemon) io.stderr.write(`tillbox demo: the daemon exited (${String(code)}); see ${resolve(dataDir, 'tillbox.log')}\n`);
  });

  const stop = async (): Promise<void> => {
    if (!daemonExited) {
      stoppingDaemon = true;
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    await printer.close();
    await broker?.close();
    await notify.close();
    log.end();
  };
  let stopping = false;
  const onSignal = () => {
    stopping = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A print job cut off because we are stopping, or because the daemon went away, ends the loop
  // below; anything else is a real failure.
  const unlessStopping = (err: unknown): void => {
    if (!stopping && !daemonExited) throw err;
  };

  try {
    await waitForListener('127.0.0.1', posPort, 15_000);
    await waitForListener(config.web.host, config.web.port, 15_000);
    io.stdout.write(
      [
        `tillbox demo is running`,
        `  status page  http://${config.web.host}:${config.web.port}/   (owner password: ${DEMO_PASSWORD})`,
        `  MQTT broker  ${mqttUrl}${broker ? ' (embedded)' : ''}   topics tillbox/demo-store/demo-box/#`,
        `  data         ${dataDir}   logs: ${resolve(dataDir, 'tillbox.log')}`,
        ...notify.lines,
        `  signed up    member ${DEMO_MEMBERS[0]?.slice(0, 2)}******${DEMO_MEMBERS[0]?.slice(-2)} by e-mail, ${DEMO_MEMBERS[1]?.slice(0, 2)}******${DEMO_MEMBERS[1]?.slice(-2)} by web push (see the page's member messages card)`,
        `  printing ${backfill} back-dated receipts, then one every ${intervalMs / 1000} s; Ctrl-C stops`,
        `  some receipts are torn on purpose (paper out mid-receipt): their "flagged for review" warnings in the log are expected`,
        '',
      ].join('\n'),
    );
    const start = Date.now();
    const backTimes = spreadOverDays(backfill, 30, localWallClock(new Date(start), values.timezone));
    let back = 0;
    const receipts = demoReceipts(start % 100_000, () => backTimes[back++] ?? localWallClock(new Date(), values.timezone));
    // The demo's torn receipts are deliberate: say so in the log, next to the daemon's warning about each.
    const noteTorn = (r: { kind: string; receiptNo: string }): void => {
      if (r.kind === 'torn') log.write(`${JSON.stringify({ level: 30, time: Date.now(), module: 'demo', receiptNo: r.receiptNo, msg: 'demo: printing a torn receipt on purpose (paper out mid-receipt); the daemon flags it for review, nothing is broken' })}\n`);
    };
    let tornBack = 0;
    for (let i = 0; i < backfill && !stopping && !daemonExited; i++) {
      const r = receipts.next().value;
      if (r !== undefined) noteTorn(r);
      if (r?.kind === 'torn') tornBack++;
      if (r !== undefined) await printJob('127.0.0.1', posPort, encodeReceiptText(r.lines, { encoding: 'gb18030' })).catch(unlessStopping);
    }
    if (tornBack > 0) io.stdout.write(`back-dated receipts printed; ${tornBack} of them torn on purpose (they show among the failed receipts)\n`);
    if (!stopping && !daemonExited) {
      // Let the pipeline file the back-dated receipts, then queue what the signed-up members get.
      await new Promise((res) => setTimeout(res, 3000));
      const q = await notify.queueNow(ledgerFile, values.timezone, new Date());
      io.stdout.write(`queued for the signed-up members: ${q.summaries} monthly summary(ies), ${q.reminders} expiry reminder(s); delivered within a minute\n`);
    }
    for (let n = 0; (liveCount === 0 || n < liveCount) && !stopping && !daemonExited; n++) {
      const r = receipts.next().value;
      if (r === undefined) break;
      // 9600 baud: 960 bytes/s, as a serial till would print.
      noteTorn(r);
      await printJob('127.0.0.1', posPort, encodeReceiptText(r.lines, { encoding: 'gb18030' }), 960).catch(unlessStopping);
      io.stdout.write(`printed ${r.kind.padEnd(7)} ${r.receiptNo}  ${(r.total / 100).toFixed(2)} CNY${r.member ? '  member' : ''}${r.kind === 'torn' ? '  (torn on purpose)' : ''}\n`);
      const until = Date.now() + intervalMs;
      while (Date.now() < until && !stopping && !daemonExited) await new Promise((res) => setTimeout(res, 100));
    }
    if (liveCount > 0) {
      // Give the pipeline a moment to ingest the last receipt before a scripted run ends.
      await new Promise((res) => setTimeout(res, 3000));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
  return daemonExited && !stopping && liveCount === 0 ? 1 : 0;
}

/** `count` local times spread over the last `days` days during opening hours (08:00-21:00), oldest first. */
function spreadOverDays(count: number, days: number, nowLocal: Date): Date[] {
  const out: Date[] = [];
  const today = Date.UTC(nowLocal.getUTCFullYear(), nowLocal.getUTCMonth(), nowLocal.getUTCDate());
  for (let i = 0; i < count; i++) {
    const day = days - Math.floor((i * days) / count);
    const minute = 8 * 60 + ((i * 389) % (13 * 60));
    out.push(new Date(today - day * 86_400_000 + minute * 60_000 + ((i * 17) % 60) * 1000));
  }
  return out;
}

async function freeLocalPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolvePort(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}

/** `tillbox demo --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox demo [options]\n  Open http://127.0.0.1:8080 (owner password tillbox-demo). Ctrl-C stops it.';
export const optionHelp: Readonly<Record<string, string>> = {
  'data-dir': 'where the demo keeps its journal, ledger, config and log',
  port: 'status page port',
  interval: 'seconds between live receipts',
  receipts: 'live receipts to print, then stop (0: until Ctrl-C)',
  backfill: 'days of history to generate first',
  mqtt: 'use this broker instead of the embedded one (mqtt://host:port)',
  timezone: 'store time zone (IANA name)',
};

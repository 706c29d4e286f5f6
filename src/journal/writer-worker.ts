/**
 * The journal writer thread. The tap's main thread only posts chunks here (copied, never awaited);
 * this thread does all SQLite work, so a slow SD card can never stall the byte path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { clockSynced, readBootId } from './host-clock.js';
import { JournalStore, type AppendRow } from './store.js';
import type { FromWorker, ToWorker, WriterSettings } from './types.js';

const settings = workerData as WriterSettings;
const port = parentPort;
if (port === null) throw new Error('writer-worker must run as a worker thread');

const send = (msg: FromWorker): void => port.postMessage(msg);
const store = new JournalStore(settings.dbPath);
const bootId = readBootId();
let synced = false;
let pending: AppendRow[] = [];
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  const lastSeq = store.append(rows, bootId, synced);
  send({ type: 'committed', count: rows.length, lastSeq });
}

function retain(): void {
  flush();
  const r = store.retain(settings.maxBytes, settings.maxAgeDays, Date.now());
  send({ type: 'retention', ...r });
}

async function refreshClock(): Promise<void> {
  synced = await clockSynced();
}

port.on('message', (msg: ToWorker) => {
  if (msg.kind === 'chunk') {
    pending.push(msg);
    if (pending.length >= settings.flushRows) flush();
    else timer ??= setTimeout(flush, settings.flushMs);
    return;
  }
  flush();
  clearInterval(retentionTimer);
  clearInterval(clockTimer);
  const lastSeq = store.lastSeq();
  store.close();
  send({ type: 'closed', lastSeq });
  port.close();
});

await refreshClock();
const clockTimer = setInterval(() => void refreshClock(), 30_000);
const retentionTimer = setInterval(() => {
  try {
    retain();
  } catch (err) {
    send({ type: 'warn', message: `retention failed: ${(err as Error).message}` });
  }
}, settings.retentionEveryMs);
// Ready first: retention after a long downtime can take a while and must not delay forwarding.
send({ type: 'ready', lastSeq: store.lastSeq() });
setImmediate(() => {
  try {
    retain();
  } catch (err) {
    send({ type: 'warn', message: `retention failed: ${(err as Error).message}` });
  }
});

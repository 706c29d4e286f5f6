/**
 * The journal writer thread. The tap's main thread only posts chunks here (copied, never awaited);
 * this thread does all SQLite work, so a slow SD card can never stall the byte path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reniceThisThread } from '../daemon/priority.js';
import { clockSynced, readBootId } from './host-clock.js';
import { JournalStore, type AppendRow } from './store.js';
import type { FromWorker, ToWorker, WriterSettings } from './types.js';

const settings = workerData as WriterSettings;
const port = parentPort;
if (port === null) throw new Error('writer-worker must run as a worker thread');

const send = (msg: FromWorker): void => port.postMessage(msg);
// Before any SQLite work: this thread's commits (and their fsyncs) yield the CPU to the tap's
// main thread, which forwards the bytes (issue 14 item 3). Per thread: the tap itself is unchanged.
if (settings.nice > 0 && !reniceThisThread(settings.nice)) send({ type: 'warn', message: `journal writer thread could not be set to nice ${settings.nice}` });
const store = new JournalStore(settings.dbPath);
const bootId = readBootId();
let synced = false;
let pending: AppendRow[] = [];
let timer: NodeJS.Timeout | undefined;

let retryTimer: NodeJS.Timeout | undefined;

/**
 * Commits what is pending, in groups of flushRows. A group that cannot be written (disk full, I/O
 * error) stays pending, in order, and is tried again after retryMs; chunks keep arriving into
 * `pending` meanwhile (the main thread bounds them). Never throws: a writer that died here lost
 * every chunk it held (issue 17 item 6).
 */
function flush(): void {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (retryTimer !== undefined) return; // stalled: wait for the retry
  while (pending.length > 0) {
    const rows = pending.length <= settings.flushRows ? pending : pending.slice(0, settings.flushRows);
    let lastSeq: number;
    try {
      lastSeq = store.append(rows, bootId, synced);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      send({ type: 'stalled', code: typeof e.code === 'string' ? e.code : 'UNKNOWN', message: String(e.message ?? err), pending: pending.length });
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        flush();
      }, settings.retryMs);
      return;
    }
    pending = rows === pending ? [] : pending.slice(rows.length);
    send({ type: 'committed', count: rows.length, lastSeq });
  }
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
  clearTimeout(retryTimer);
  retryTimer = undefined;
  flush(); // one last try; what still cannot be written is counted as dropped by the main thread
  clearTimeout(retryTimer);
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

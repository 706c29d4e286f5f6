/**
 * Child of bench/sync.ts: `node sync-drain.mjs DATADIR URL WINDOW`. Opens the filled outbox,
 * drains it with the real sync module, prints { drainSecs, peakRss, startRss } as JSON.
 */
import { configFromObject } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { openSyncOutbox } from '../src/sync/outbox.js';
import { createSync } from '../src/sync/sync.js';

const [dataDir = '', url = '', window = '100'] = process.argv.slice(2);
const config = configFromObject({ store: { id: 'store-001' }, box: { id: 'box-01' }, dataDir, mqtt: { url }, sync: { outboxMaxRows: 1_000_000 } });
const outbox = openSyncOutbox(config);
const sync = createSync({ config, logger: createLogger({ level: 'silent' }), outbox, drain: { window: Number(window) } });
const startRss = process.memoryUsage().rss;
let peakRss = startRss;
let peakHeap = 0;
let peakExternal = 0;
const t0 = performance.now();
await sync.start();
await new Promise<void>((resolve) => {
  const check = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
    if (sync.stats().backlog === 0) {
      clearInterval(check);
      resolve();
    }
  }, 20);
});
const drainSecs = (performance.now() - t0) / 1000;
await sync.stop();
outbox.close();
process.stdout.write(JSON.stringify({ drainSecs, peakRss, startRss, peakHeap, peakExternal }));

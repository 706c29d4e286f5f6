/**
 * The status page's stand-in while the analytics side cannot open its databases because the data
 * disk is full (SQLite needs a few KiB to re-create a -shm file after a clean stop). Rather than
 * exit and crash-loop (the page down exactly when it should say "disk full", issue 17 item 6), the
 * child serves this on the web port and retries; printing is never involved either way.
 */
import { createServer, type Server } from 'node:http';

/** While the databases cannot be opened, the child tries again this often (ms). */
export const DEGRADED_RETRY_MS = 5_000;

const PAGE = `<!doctype html><meta charset="utf-8"><title>tillbox: disk full</title>
<h1>磁盘已满 · Disk full</h1>
<p>打印照常进行。磁盘空间恢复前，小票记录暂不能保存或统计。</p>
<p>Printing goes on. Until space is freed on the data disk, receipts cannot be filed or counted here;
the box holds what it can in memory (journal.queueMaxBytes) and catches up when space returns.</p>`;

export interface DegradedPage {
  close(): Promise<void>;
}

/** Listens on the status page's address; GET /healthz answers 200 and names the disk, the rest 503. */
export async function serveDegradedPage(host: string, port: number, reason: string): Promise<DegradedPage> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ok: true, disk: reason, failing: ['analytics'] }));
      return;
    }
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(DEGRADED_RETRY_MS / 1000) });
    res.end(PAGE);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The tap process's local control socket, `<dataDir>/control.sock` (mode 0600: only the box's own
 * user), for CLI commands that need the running daemon (`tillbox footer --print`). One JSON line
 * in, one JSON line out, then the connection ends. Nothing here touches the byte path: a request
 * is served between two POS chunks on the same event loop.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';

export const CONTROL_SOCKET = 'control.sock';
/** Longest request line accepted. */
export const MAX_CONTROL_REQUEST = 4096;

export interface FooterPrintRequest {
  type: 'footer-print';
  receipt: string | null;
  idleMs: number;
}

export type ControlReply = { ok: true; bytes: number; text: string } | { ok: false; reason: string };

export type ControlHandler = (req: FooterPrintRequest) => Promise<ControlReply>;

/** A request line as sent by the CLI, checked for shape; a reason when it is not one. */
export function parseControlRequest(line: string): FooterPrintRequest | string {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const o = m as Partial<FooterPrintRequest>;
  if (o === null || typeof o !== 'object' || o.type !== 'footer-print') return 'unknown request';
  if (o.receipt !== null && (typeof o.receipt !== 'string' || o.receipt.length > 128)) return 'receipt: expected an id or null';
  if (typeof o.idleMs !== 'number' || !Number.isInteger(o.idleMs) || o.idleMs < 0 || o.idleMs > 600_000) return 'idleMs: expected 0..600000';
  return { type: 'footer-print', receipt: o.receipt, idleMs: o.idleMs };
}

export async function startControlSocket(path: string, handle: ControlHandler, logger: Logger): Promise<{ stop: () => Promise<void> }> {
  const log = logger.child({ module: 'control' });
  // A socket file left by a daemon that was killed: this one owns the ports now (they are locked).
  if (existsSync(path)) unlinkSync(path);
  const server: Server = createServer((sock: Socket) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => undefined);
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length <= MAX_CONTROL_REQUEST) return;
      sock.removeAllListeners('data');
      const req = nl < 0 ? 'request too long' : parseControlRequest(buf.slice(0, nl));
      const answer = typeof req === 'string' ? Promise.resolve<ControlReply>({ ok: false, reason: req }) : handle(req);
      answer
        .catch((err: unknown) => {
          log.error({ err }, 'control request failed');
          return { ok: false, reason: 'internal error (see the daemon log)' } as ControlReply;
        })
        .then((r) => sock.end(`${JSON.stringify(r)}\n`), () => sock.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  server.on('error', (err) => log.error({ err }, 'control socket error'));
  log.info({ path }, 'control socket listening');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (existsSync(path)) unlinkSync(path);
      }),
  };
}

/** The CLI's end: one request, its reply. Throws when nothing listens at `path`. */
export function controlRequest(path: string, req: FooterPrintRequest, timeoutMs: number): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf) as ControlReply);
      } catch {
        reject(new Error('the daemon sent no valid answer'));
      }
    });
  });
}

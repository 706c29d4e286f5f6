/**
 * A local SMTP server that keeps what it receives (smtp-server, a real SMTP implementation): the
 * demo sends its e-mails here so the page can show them delivered, and tests receive through it.
 * Nothing is relayed anywhere. The text part is decoded (quoted-printable or base64, UTF-8)
 * so a person can read it; the raw message is kept too.
 */
import type { AddressInfo } from 'node:net';
import type { SMTPServerOptions } from 'smtp-server';
import { TillboxError } from '../errors.js';

export interface CaughtMail {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
  /** Whether the session was TLS (STARTTLS or TLS from the start). */
  secure: boolean;
  user: string | null;
}

export interface SmtpCatcher {
  port: number;
  mails: CaughtMail[];
  close(): Promise<void>;
}

/** Decodes one MIME part body by its Content-Transfer-Encoding. */
function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes: number[] = [];
    const text = body.replace(/=\r?\n/g, '');
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(c, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / Q) in a header value. */
function decodeWords(v: string): string {
  return v.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeBody(data.replace(/_/g, ' '), 'quoted-printable'));
}

/** Text and HTML of a (possibly multipart/alternative) message. */
export function readMail(raw: string): { headers: Record<string, string>; subject: string; text: string; html: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary === undefined ? [{ h: headers, b: body }] : body.split(`--${boundary}`).slice(1, -1).map((p) => {
    const at = p.search(/\r?\n\r?\n/);
    return { h: parseHeaders(p.slice(0, at)), b: p.slice(at).replace(/^\r?\n\r?\n/, '') };
  });
  for (const p of parts) {
    const decoded = decodeBody(p.b.trimEnd(), p.h['content-transfer-encoding'] ?? '7bit');
    if ((p.h['content-type'] ?? 'text/plain').startsWith('text/html')) html = decoded;
    else if ((p.h['content-type'] ?? 'text/plain').startsWith('text/plain')) text = decoded;
  }
  return { headers, subject: decodeWords(headers['subject'] ?? ''), text, html };
}

export interface CatcherOptions {
  host?: string;
  port?: number;
  /** TLS key and certificate (PEM): offers STARTTLS. Without: plain only. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Required credentials; absent: no AUTH. */
  auth?: { user: string; pass: string };
  /** Refuse RCPT TO these addresses with 550 (a mailbox that does not exist). */
  refuse?: readonly string[];
  onMail?: (m: CaughtMail) => void;
}

export async function startSmtpCatcher(opts: CatcherOptions = {}): Promise<SmtpCatcher> {
  let mod: typeof import('smtp-server');
  try {
    mod = await import('smtp-server');
  } catch (err) {
    throw new TillboxError('TBX_OPTIONAL_DEP_MISSING', 'the demo SMTP catcher needs the optional package smtp-server (npm install smtp-server)', { cause: err });
  }
  const mails: CaughtMail[] = [];
  const options: SMTPServerOptions = {
    logger: false,
    disabledCommands: [...(opts.tls === undefined ? ['STARTTLS'] : []), ...(opts.auth === undefined ? ['AUTH'] : [])],
    ...(opts.tls !== undefined ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    authOptional: opts.auth === undefined,
    onAuth(auth, _session, cb) {
      if (opts.auth !== undefined && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, cb) {
      if (opts.refuse?.includes(address.address)) cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const m: CaughtMail = {
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...readMail(raw),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
        };
        mails.push(m);
        opts.onMail?.(m);
        cb();
      });
    },
  };
  const server = new mod.SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The receiving end for bench/notify.ts, in its own process so its work does not count as the
 * box's: the demo's SMTP catcher and a webhook receiver that checks every signature. Prints
 * {"smtp":port,"webhook":port} on its first line; GET /count on the webhook port answers
 * {"mails":n,"hooks":n,"badSignatures":n}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSmtpCatcher } from '../src/demo/smtp-catcher.js';
import { verifyWebhook } from '../src/shopper/webhook-sign.js';

const secret = process.argv[2] ?? 'bench-webhook-secret-0123456789';
let mails = 0;
const smtp = await startSmtpCatcher({ onMail: () => void mails++ });
// Only count: do not keep a copy of every mail.
smtp.mails.length = 0;
let hooks = 0;
let badSignatures = 0;
const seen = new Map<string, number>();
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    smtp.mails.length = 0;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ mails, hooks, badSignatures }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const v = verifyWebhook(secret, req.headers, Buffer.concat(chunks), Math.floor(Date.now() / 1000), seen);
    if (v.ok) hooks++;
    else badSignatures++;
    res.writeHead(v.ok ? 204 : 401).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ smtp: smtp.port, webhook: (server.address() as AddressInfo).port })}\n`);
});
setInterval(() => (smtp.mails.length = 0), 1000).unref();
process.on('SIGTERM', () => {
  server.close();
  void smtp.close().then(() => process.exit(0));
});

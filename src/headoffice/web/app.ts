/**
 * `tillbox headoffice --web PORT`: the shopper page, a fastify app over the baskets head office
 * stores in PostgreSQL. Built here (`buildShopperApp`), listened on by the command, so tests
 * inject or listen on port 0. No request logging: a receipt URL names a basket, and head office
 * learns nothing about a shopper before sign-up (docs/head-office.md "Shopper page").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../../log.js';
import { SlidingWindowLimiter } from '../../web/auth/rate-limit.js';
import { packageRoot } from '../../web/assets.js';
import { SECURITY_HEADERS } from '../../web/security.js';
import { CsrfTokens } from './csrf.js';
import { WORDS, pickLang } from './i18n.js';
import { messagePage } from './render.js';
import { registerShopperRoutes } from './routes.js';

export interface ShopperAppDeps {
  db: pg.Pool;
  /** QoS 1 publish through the consumer's MQTT client (resolves on PUBACK). */
  publish: (topic: string, payload: string) => Promise<void>;
  /** The boxes' QR key (footer.qr.key): tokens, and the CSRF secret derived from it. */
  qrKey: string;
  logger: Logger;
  now?: () => Date;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for rate limits). */
  trustProxy?: boolean;
  /** Sign-ups per client address per 10 minutes (default 5) and per basket per hour (default 3). */
  limits?: { perAddress?: number; perBasket?: number };
}

const ASSETS: Record<string, string> = {
  'shopper.css': 'text/css; charset=utf-8',
  'shopper.js': 'text/javascript; charset=utf-8',
  'sw.js': 'text/javascript; charset=utf-8',
};

export async function buildShopperApp(deps: ShopperAppDeps): Promise<FastifyInstance> {
  const logger = deps.logger.child({ module: 'headoffice-web' });
  const now = deps.now ?? (() => new Date());
  const app = Fastify({ logger: false, trustProxy: deps.trustProxy === true, bodyLimit: 16_384 });
  await app.register(cookie);
  const dir = join(packageRoot(), 'src', 'headoffice', 'web', 'assets');
  const files = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { body: readFileSync(join(dir, name)), type }]));

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (reply.getHeader('cache-control') === undefined) reply.header('cache-control', 'no-store');
    return payload;
  });
  // Urlencoded forms (the page works without script): repeated keys become arrays.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, out);
  });

  for (const [name, f] of files) {
    const url = name === 'sw.js' ? '/sw.js' : `/assets/${name}`;
    app.get(url, async (_req, reply) => {
      reply.type(f.type).header('cache-control', 'public, max-age=300');
      // The worker lives at the root so its scope covers /me as well as /r/….
      if (name === 'sw.js') reply.header('service-worker-allowed', '/');
      return f.body;
    });
  }
  app.get('/healthz', async () => ({ ok: true }));

  registerShopperRoutes(app, {
    db: deps.db,
    publish: deps.publish,
    qrKey: deps.qrKey,
    logger,
    now,
    csrf: new CsrfTokens(deps.qrKey),
    perAddress: new SlidingWindowLimiter({ limit: deps.limits?.perAddress ?? 5, windowMs: 10 * 60_000, now: () => now().getTime() }),
    perBasket: new SlidingWindowLimiter({ limit: deps.limits?.perBasket ?? 3, windowMs: 3600_000, now: () => now().getTime() }),
  });

  app.setNotFoundHandler(async (req, reply) => {
    const lang = pickLang((req.query as { lang?: unknown } | undefined)?.lang, req.headers['accept-language']);
    const w = WORDS[lang];
    return reply.code(404).type('text/html; charset=utf-8').send(messagePage(lang, req.url.split('?')[0] ?? '/', w.notFoundTitle, w.notFound, 'not-found'));
  });
  app.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
    const code = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    // The URL is left out on purpose: it names a basket.
    if (code === 500) logger.error({ err: { message: err.message } }, 'shopper page error');
    const lang = pickLang((req.query as { lang?: unknown } | undefined)?.lang, req.headers['accept-language']);
    return reply.code(code).type('text/html; charset=utf-8').send(messagePage(lang, '/', String(code), code === 500 ? 'Error' : (err.message ?? 'Bad request')));
  });
  return app;
}

/**
 * The status page and HTTP API as a fastify instance. buildApp never listens: the daemon calls
 * `app.listen({ host, port })`, tests call `app.inject()` or listen on port 0.
 *
 * Public: GET /healthz, GET / (the page shell), /assets/*, GET /api/session, POST /api/login,
 * POST /api/setup (first run only), POST /api/logout. Everything else needs the owner (session
 * cookie, or Basic auth as user `owner` for scrapers). Requests are logged by route pattern only,
 * so a member id in a URL never reaches the log.
 */
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import { fastify, LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { loadAssets } from './assets.js';
import { OwnerAuth, type AuthOptions } from './auth/owner-auth.js';
import type { StoreInfo, WebContext } from './context.js';
import type { WebDeps } from './deps.js';
import { judgeAlerts } from './alerts.js';
import { DEFAULT_HEALTH_LIMITS, judgeHealth, type HealthLimits } from './health.js';
import { LiveHub, type LiveLimits } from './live.js';
import { parseSuccessRate } from './metrics.js';
import { apiRoutes } from './routes/api.js';
import { consentRoutes } from './routes/consent.js';
import { authRoutes } from './routes/auth.js';
import { liveRoutes } from './routes/live.js';
import { metricsRoutes } from './routes/metrics.js';
import { pageRoutes } from './routes/page.js';
import { failedRoutes } from './routes/failed.js';
import { logRoutes, type LogSource } from './routes/logs.js';
import { settingsRoutes, type SettingsOptions } from './routes/settings.js';
import { crossSiteWrite, SECURITY_HEADERS } from './security.js';

export interface WebOptions {
  logger: Logger;
  auth: AuthOptions;
  store: StoreInfo;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  /** How often open pages get a status push. Default 2000 ms. */
  statusPushMs?: number;
  healthLimits?: Partial<HealthLimits>;
  /** Live-stream caps; default MAX_SSE_STREAMS_PER_SESSION and MAX_SSE_STREAMS_TOTAL (live.ts). */
  liveLimits?: LiveLimits;
  /** The settings view (routes/settings.ts); absent: no settings routes. */
  settings?: SettingsOptions;
  /** The log view and log level switch (routes/logs.ts); absent: no log routes. */
  logs?: LogSource;
}

/** The usual options from the validated config: first-run hash file in dataDir/admin.hash. */
export function webOptionsFromConfig(config: Config, logger: Logger): WebOptions {
  return {
    logger,
    auth: { passwordHash: config.web.adminPasswordHash, setupFile: join(config.dataDir, 'admin.hash'), sessionHours: config.web.sessionHours },
    store: { name: config.store.name, timezone: config.store.timezone, currency: config.store.currency },
  };
}

export function buildApp(deps: WebDeps, opts: WebOptions): FastifyInstance {
  const log = opts.logger.child({ module: 'web' });
  const now = opts.now ?? Date.now;
  const limits = { ...DEFAULT_HEALTH_LIMITS, ...opts.healthLimits };
  const statusView = async (): Promise<unknown> => {
    const s = await deps.status();
    const t = now();
    const health = judgeHealth(s, t, limits);
    return { ...s, now: new Date(t).toISOString(), parseSuccessRate: parseSuccessRate(s), health, alerts: judgeAlerts(s, health, t), store: opts.store };
  };
  const ctx: WebContext = {
    deps,
    auth: new OwnerAuth(opts.auth, now),
    live: new LiveHub(deps, statusView, opts.statusPushMs ?? 2000, log, opts.liveLimits),
    store: opts.store,
    limits,
    log,
    now,
    statusView,
  };
  const assets = loadAssets();

  // Fastify's own request logging would write the URL (with any member id in it); ours logs the pattern.
  // pino's Logger is a FastifyBaseLogger; the cast only drops pino's extra generic so routes see the default instance type.
  const app: FastifyInstance = fastify({ loggerInstance: log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 16 * 1024, return503OnClosing: true });

  app.addHook('onRequest', async (request, reply) => {
    void reply.headers(SECURITY_HEADERS);
    if (request.url.startsWith('/api/') || request.url === '/metrics') void reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    const entry = { method: request.method, route: request.routeOptions.url ?? '(no route)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) log.warn(entry, 'request failed');
    else log.debug(entry, 'request');
  });
  app.addHook('preClose', async () => ctx.live.closeAll());

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation !== undefined) return reply.code(400).send({ error: 'bad_request', message: err.message });
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: 'bad_request', message: err.message });
    log.error({ err, route: request.routeOptions.url }, 'request handler failed');
    return reply.code(500).send({ error: 'internal' });
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not_found' }));

  void app.register(fastifyCookie);

  // The process answers, so ok; a full disk is named here too (public: it says nothing private).
  app.get('/healthz', async () => {
    const fault = deps.writeFault?.();
    return fault === undefined ? { ok: true } : { ok: true, disk: fault.reason, failing: fault.parts };
  });
  pageRoutes(app, assets);
  authRoutes(app, ctx);

  void app.register(async (owner) => {
    owner.addHook('onRequest', async (request, reply) => {
      const verdict = await ctx.auth.authorize(request);
      if (verdict === 'ok') return;
      if (typeof verdict === 'number') {
        return reply.code(429).header('retry-after', String(verdict)).send({ error: 'too_many_attempts', retryAfterSeconds: verdict });
      }
      return reply.code(401).send({ error: 'unauthorized', code: 'TBX_AUTH_REQUIRED' });
    });
    owner.addHook('preHandler', async (request, reply) => {
      if (crossSiteWrite(request)) return reply.code(403).send({ error: 'cross_site_request' });
    });
    apiRoutes(owner, ctx);
    consentRoutes(owner, ctx);
    failedRoutes(owner, ctx);
    if (opts.settings !== undefined) settingsRoutes(owner, ctx, opts.settings, opts.logs?.setLevel.bind(opts.logs));
    if (opts.logs !== undefined) logRoutes(owner, ctx, opts.logs);
    metricsRoutes(owner, ctx);
    liveRoutes(owner, ctx);
  });

  return app;
}

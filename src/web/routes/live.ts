/** GET /api/events: server-sent events (receipt, failed, changed, status) for the open page. */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { SECURITY_HEADERS } from '../security.js';

/** Retry-After for a refused stream: the page's EventSource would retry in 3 s; ask for longer. */
const REFUSED_RETRY_S = 30;

export function liveRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/events', async (request, reply) => {
    const owner = ctx.auth.principal(request);
    const admission = ctx.live.admit(owner);
    if (admission !== 'ok') {
      // One session with too many tabs: 429, its own doing. The box as a whole full: 503.
      const perSession = admission === 'session';
      const limit = perSession ? ctx.live.limits.perSession : ctx.live.limits.total;
      if (ctx.live.shouldLogRefusal(ctx.now())) ctx.log.warn({ route: request.routeOptions.url, scope: perSession ? 'session' : 'total', limit, refusedSinceStart: { ...ctx.live.refused } }, 'live stream refused (logged at most once a minute)');
      return reply
        .code(perSession ? 429 : 503)
        .header('retry-after', String(REFUSED_RETRY_S))
        .send({
          error: 'too_many_streams',
          scope: perSession ? 'session' : 'total',
          limit,
          message: perSession ? `at most ${limit} live streams per login: close another tab of the status page` : `the box serves at most ${limit} live streams at once: try again later`,
        });
    }
    reply.hijack(); // fastify no longer owns this response: the hub writes to it until it closes
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 3000\n\n');
    // Streams opened with a session end with it; Basic-auth streams (scripts) last until they close.
    const cookieSession = ctx.auth.hasSession(request);
    ctx.live.add(res, () => !cookieSession || ctx.auth.hasSession(request), owner);
    // First paint without waiting for the first tick.
    try {
      res.write(`event: status\ndata: ${JSON.stringify(await ctx.statusView())}\n\n`);
    } catch (err) {
      request.log.warn({ err }, 'status for a new live client failed');
    }
  });
}

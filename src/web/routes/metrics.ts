/** GET /metrics: Prometheus text format (owner session or Basic auth as user `owner`). */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { judgeHealth } from '../health.js';
import { renderFooterMetrics } from '../footer-metrics.js';
import { renderMetrics } from '../metrics.js';
import { renderNotifyMetrics } from '../notify-metrics.js';

export function metricsRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/metrics', async (_request, reply) => {
    const status = await ctx.deps.status();
    const body = renderMetrics(status, judgeHealth(status, ctx.now(), ctx.limits), {
      sseClients: ctx.live.size,
      sseRefused: { ...ctx.live.refused },
      loginFailures: ctx.auth.counters.loginFailures,
      loginRateLimited: ctx.auth.counters.loginRateLimited,
    });
    const footers = ctx.deps.footers === undefined ? null : await ctx.deps.footers();
    const notify = ctx.deps.notifications === undefined ? '' : renderNotifyMetrics(ctx.deps.notifications.state());
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send((footers === null ? body : body + renderFooterMetrics(footers)) + notify);
  });
}

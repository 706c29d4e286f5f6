/** GET /api/events: server-sent events (receipt, failed, changed, status) for the open page. */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { SECURITY_HEADERS } from '../security.js';

export function liveRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/events', async (request, reply) => {
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
    ctx.live.add(res, () => !cookieSession || ctx.auth.hasSession(request));
    // First paint without waiting for the first tick.
    try {
      res.write(`event: status\ndata: ${JSON.stringify(await ctx.statusView())}\n\n`);
    } catch (err) {
      request.log.warn({ err }, 'status for a new live client failed');
    }
  });
}

/** The owner's JSON API (behind authentication; see app.ts). */
import type { FastifyInstance } from 'fastify';
import { INSIGHTS_MONEY, RECEIPT_MONEY, SUMMARY_MONEY, withMinorUnits } from '../../money-json.js';
import type { WebContext } from '../context.js';
import type { ReceiptDetail } from '../deps.js';
import { DAY_PATTERN, localDay, localMonth, MONTH_PATTERN } from '../time.js';
import { maskDetail, maskInsights, maskRow } from '../views.js';

const limitQuery = (max: number, dflt: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: { limit: { type: 'integer', minimum: 1, maximum: max, default: dflt } },
  }) as const;

export function apiRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { deps } = ctx;
  const today = (): string => localDay(ctx.now(), ctx.store.timezone);

  app.get('/api/status', async () => ctx.statusView());

  app.get<{ Querystring: { limit: number } }>('/api/receipts', { schema: { querystring: limitQuery(200, 50) } }, async (request) => ({
    currency: ctx.store.currency,
    receipts: withMinorUnits((await deps.recentReceipts(request.query.limit)).map(maskRow), RECEIPT_MONEY),
  }));

  // GET /api/receipts/failed and the failed-receipt actions: routes/failed.ts.

  // ?reveal=1: the full decoded text, for an owner diagnosing a layout. An explicit action on the
  // page, logged by route pattern with the receipt id (a content hash), never with a member id.
  app.get<{ Params: { id: string }; Querystring: { reveal?: '0' | '1' } }>(
    '/api/receipts/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_:.-]{1,128}$' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { reveal: { type: 'string', enum: ['0', '1'] } } },
      },
    },
    async (request, reply) => {
      const detail = await deps.receipt(request.params.id);
      if (detail === null) return reply.code(404).send({ error: 'not_found' });
      // Money as `…Minor` integers (docs/status-page.md); the receipt carries its currency.
      const minor = (d: ReceiptDetail) => ({ ...d, receipt: withMinorUnits(d.receipt, RECEIPT_MONEY) });
      if (request.query.reveal !== '1') return minor(maskDetail(detail));
      ctx.log.info({ route: request.routeOptions.url, receipt: detail.id, ip: request.ip }, 'owner revealed the full text of a receipt');
      return { ...minor(detail), masked: false };
    },
  );

  // The full id is returned: only a logged-in owner gets here, asking for this one member.
  // The route is logged by its pattern (/api/members/:id/summary), never with the id.
  app.get<{ Params: { id: string }; Querystring: { month?: string } }>(
    '/api/members/:id/summary',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z-]{3,32}$' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { month: { type: 'string', pattern: MONTH_PATTERN } } },
      },
    },
    async (request, reply) => {
      const month = request.query.month ?? localMonth(ctx.now(), ctx.store.timezone);
      const summary = await deps.memberSummary(request.params.id, month);
      if (summary === null) return reply.code(404).send({ error: 'no_such_member' });
      return withMinorUnits(summary, SUMMARY_MONEY);
    },
  );

  app.get<{ Querystring: { day?: string } }>(
    '/api/store/summary',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { day: { type: 'string', pattern: DAY_PATTERN } } } } },
    async (request) => {
      const day = request.query.day ?? today();
      const [summary, byHour] = await Promise.all([deps.storeSummary(day), deps.salesByHour(day)]);
      return { day, currency: ctx.store.currency, summary: withMinorUnits(summary, SUMMARY_MONEY), byHour: withMinorUnits(byHour, SUMMARY_MONEY) };
    },
  );

  app.get('/api/store/last30days', async () => ({ currency: ctx.store.currency, days: withMinorUnits(await deps.salesLast30Days(), SUMMARY_MONEY) }));

  app.get('/api/reminders', async () => deps.reminderCounts());

  app.get('/api/footers', async (_request, reply) => {
    const f = deps.footers === undefined ? null : await deps.footers();
    if (f === null) return reply.type('application/json').send('null');
    return f;
  });

  app.get('/api/insights', async (_request, reply) => {
    const insights = deps.insights === undefined ? null : await deps.insights();
    // Not computed yet (the job runs nightly): an empty answer, not an error the page would log.
    if (insights === null) return reply.type('application/json').send('null');
    return { currency: ctx.store.currency, ...(withMinorUnits(maskInsights(insights), INSIGHTS_MONEY) as object) };
  });
}

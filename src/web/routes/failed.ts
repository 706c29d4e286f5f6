/**
 * Failed receipts and what the owner can do with one (issue 15): the list in pages
 * (GET /api/receipts/failed?limit=&offset=), mark as checked, read it again with a profile (a
 * preview, masked like the receipt dialog), its raw bytes as hex with the decoded text, and the
 * capture as a .bin download for `tillbox decode`. The raw bytes are the receipt as printed,
 * member number included: like ?reveal=1, each look is an owner action logged with the id (a
 * content hash or journal position), never with a member id.
 */
import type { FastifyInstance } from 'fastify';
import { RECEIPT_MONEY, withMinorUnits } from '../../money-json.js';
import type { WebContext } from '../context.js';
import { hexDump, MAX_HEX_BYTES } from '../hexdump.js';
import { maskDetail, maskFailed } from '../views.js';

/** Most failed receipts the list reads back to (in-memory unparsed ones plus the ledger's flagged). */
export const MAX_FAILED_LISTED = 1000;

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_:.-]{1,128}$' } } } as const;

export function failedRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { deps } = ctx;
  const actions = deps.failedActions;

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/receipts/failed',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, offset: { type: 'integer', minimum: 0, maximum: MAX_FAILED_LISTED, default: 0 } },
        },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const rows = await deps.failedReceipts(Math.min(offset + limit + 1, MAX_FAILED_LISTED + 1));
      return { failed: rows.slice(offset, offset + limit).map(maskFailed), offset, more: rows.length > offset + limit, actions: actions !== undefined };
    },
  );

  if (actions === undefined) return;

  app.get('/api/profiles', async () => ({ profiles: await actions.profiles() }));

  app.post<{ Params: { id: string }; Body: { checked: boolean } }>(
    '/api/receipts/:id/checked',
    { schema: { params: idParams, body: { type: 'object', required: ['checked'], additionalProperties: false, properties: { checked: { type: 'boolean' } } } } },
    async (request, reply) => {
      if (!(await actions.setChecked(request.params.id, request.body.checked))) return reply.code(404).send({ error: 'not_found' });
      return { id: request.params.id, checked: request.body.checked };
    },
  );

  app.post<{ Params: { id: string }; Body: { profile: string } }>(
    '/api/receipts/:id/reparse',
    { schema: { params: idParams, body: { type: 'object', required: ['profile'], additionalProperties: false, properties: { profile: { type: 'string', minLength: 1, maxLength: 64 } } } } },
    async (request, reply) => {
      const { profile } = request.body;
      if (profile !== 'auto' && profile !== 'none' && !(await actions.profiles()).includes(profile)) return reply.code(400).send({ error: 'no_such_profile' });
      const detail = await actions.reparse(request.params.id, profile);
      if (detail === null) return reply.code(404).send({ error: 'not_found' });
      return { ...maskDetail({ ...detail, receipt: detail.receipt === null ? null : (withMinorUnits(detail.receipt, RECEIPT_MONEY) as typeof detail.receipt) }), profile };
    },
  );

  app.get<{ Params: { id: string } }>('/api/receipts/:id/raw', { schema: { params: idParams } }, async (request, reply) => {
    const bytes = await actions.capture(request.params.id);
    if (bytes === null) return reply.code(404).send({ error: 'not_found' });
    ctx.log.info({ route: request.routeOptions.url, receipt: request.params.id, ip: request.ip }, 'owner opened the raw bytes of a receipt');
    return { id: request.params.id, bytes: bytes.length, hex: hexDump(bytes), truncated: bytes.length > MAX_HEX_BYTES, decoded: (await actions.decoded(request.params.id)) ?? '' };
  });

  app.get<{ Params: { id: string } }>('/api/receipts/:id/capture', { schema: { params: idParams } }, async (request, reply) => {
    const bytes = await actions.capture(request.params.id);
    if (bytes === null) return reply.code(404).send({ error: 'not_found' });
    ctx.log.info({ route: request.routeOptions.url, receipt: request.params.id, ip: request.ip }, 'owner downloaded the capture of a receipt');
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="tillbox-${request.params.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.bin"`)
      .send(bytes);
  });
}

/**
 * The owner's consent card (the cashier signs a member up at the till) and the notification
 * state: behind owner auth like the rest of /api (registered inside the owner scope in app.ts).
 * Writes take JSON only: a cross-site form cannot send application/json without a CORS
 * preflight this server never answers, and the session cookie is SameSite=Strict besides.
 * Member ids come in the URL (logged by route pattern only); contacts come back masked.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSENT_KINDS, validEmail, validMobile } from '../../shopper/consent/types.js';
import type { WebContext } from '../context.js';
import type { TillSignUp } from '../notify-deps.js';

const memberParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z-]{3,32}$' } } } as const;
const kinds = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...CONSENT_KINDS] } } as const;

const signUpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channels', 'wording'],
  properties: {
    email: { type: 'string', maxLength: 254 },
    mobile: { type: 'string', maxLength: 16 },
    wording: { type: 'string', minLength: 1, maxLength: 64 },
    channels: { type: 'object', additionalProperties: kinds, maxProperties: 8 },
  },
} as const;

const withdrawBody = {
  type: 'object',
  additionalProperties: false,
  properties: { channels: { type: 'array', maxItems: 8, items: { type: 'string', pattern: '^[a-z]{1,16}$' } } },
} as const;

function jsonOnly(request: FastifyRequest, reply: FastifyReply): boolean {
  if ((request.headers['content-type'] ?? '').startsWith('application/json')) return true;
  void reply.code(415).send({ error: 'unsupported_media_type', message: 'send application/json' });
  return false;
}

export function consentRoutes(app: FastifyInstance, ctx: WebContext): void {
  const n = ctx.deps.notifications;
  // Always answered, so the page can tell "no notifications on this box" from an error.
  app.get('/api/notifications', async (_request, reply) => (n === undefined ? reply.type('application/json').send('null') : n.state()));
  if (n === undefined) return;

  app.get<{ Params: { id: string } }>('/api/members/:id/consent', { schema: { params: memberParams } }, async (request) => {
    const view = n.consentOf(request.params.id);
    return view === null ? { known: false, contacts: {}, consent: [] } : { known: true, ...view };
  });

  app.post<{ Params: { id: string }; Body: TillSignUp }>('/api/members/:id/consent', { schema: { params: memberParams, body: signUpBody } }, async (request, reply) => {
    if (!jsonOnly(request, reply)) return reply;
    const b = request.body;
    const problems: string[] = [];
    const running = n.state().channels;
    for (const ch of Object.keys(b.channels)) if (!running.includes(ch)) problems.push(`channels.${ch}: not a channel this box runs (${running.join(', ') || 'none'})`);
    if (Object.keys(b.channels).length === 0) problems.push('channels: choose at least one channel');
    if (b.email !== undefined && !validEmail(b.email)) problems.push('email: expected an e-mail address');
    if (b.mobile !== undefined && !validMobile(b.mobile)) problems.push('mobile: expected 6-15 digits, optionally after +');
    if (b.channels['email'] !== undefined && b.email === undefined) problems.push('email: required for the email channel');
    if (problems.length > 0) return reply.code(400).send({ error: 'bad_request', message: problems.join('; ') });
    const view = n.signUp(request.params.id, b);
    ctx.log.info({ route: request.routeOptions.url, channels: Object.keys(b.channels) }, 'owner recorded a consent at the till');
    return { known: true, ...view };
  });

  app.post<{ Params: { id: string }; Body: { channels?: string[] } }>('/api/members/:id/consent/withdraw', { schema: { params: memberParams, body: withdrawBody } }, async (request, reply) => {
    if (!jsonOnly(request, reply)) return reply;
    const r = n.withdraw(request.params.id, request.body.channels);
    ctx.log.info({ route: request.routeOptions.url, consents: r.consents, cancelled: r.cancelled }, 'owner recorded a withdrawal at the till');
    return { consents: r.consents, cancelled: r.cancelled, known: r.view !== null, ...(r.view ?? { contacts: {}, consent: [] }) };
  });
}

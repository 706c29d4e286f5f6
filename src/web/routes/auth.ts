/**
 * Owner login, logout, session probe and first-run setup. POST bodies must be JSON: a cross-site
 * form cannot send that without a CORS preflight, and the cookie is SameSite=Strict besides.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.js';
import type { WebContext } from '../context.js';

const passwordBody = {
  type: 'object',
  required: ['password'],
  additionalProperties: false,
  properties: { password: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

export function authRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { auth, log } = ctx;

  // One log line per address per minute while it is refused, so a guesser cannot flood the journal.
  // The shared budget (all addresses) logs once a minute in all.
  const loggedAt = new Map<string, number>();
  const limited = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const { wait, scope } = auth.attemptWithScope(request.ip);
    if (wait === 0) return false;
    const now = ctx.now();
    const key = scope === 'total' ? '(all addresses)' : request.ip;
    if ((loggedAt.get(key) ?? -Infinity) < now - 60_000) {
      if (loggedAt.size > 1000) loggedAt.clear();
      loggedAt.set(key, now);
      log.warn({ ip: request.ip, scope, route: request.routeOptions.url, retryAfterSeconds: wait }, scope === 'total' ? 'login rate limited: attempts from all addresses' : 'login rate limited');
    }
    void reply.code(429).header('retry-after', String(wait)).send({ error: 'too_many_attempts', scope, retryAfterSeconds: wait });
    return true;
  };

  app.get('/api/session', async (request) => ({
    authenticated: auth.hasSession(request),
    setupRequired: auth.password.needsSetup,
  }));

  app.post<{ Body: { password: string } }>('/api/login', { schema: { body: passwordBody } }, async (request, reply) => {
    if (limited(request, reply)) return reply;
    if (auth.password.needsSetup) return reply.code(409).send({ error: 'setup_required' });
    if (!(await auth.checkPassword(request.body.password))) {
      log.info({ ip: request.ip }, 'owner login failed');
      return reply.code(401).send({ error: 'wrong_password' });
    }
    auth.startSession(reply);
    log.info({ ip: request.ip }, 'owner logged in');
    return reply.code(204).send();
  });

  app.post('/api/logout', async (request, reply) => {
    auth.endSession(request, reply);
    return reply.code(204).send();
  });

  app.post<{ Body: { password: string } }>('/api/setup', { schema: { body: passwordBody } }, async (request, reply) => {
    if (limited(request, reply)) return reply;
    if (!auth.password.needsSetup) return reply.code(409).send({ error: 'already_set' });
    if ([...request.body.password].length < MIN_PASSWORD_LENGTH) {
      return reply.code(400).send({ error: 'password_too_short', minLength: MIN_PASSWORD_LENGTH });
    }
    const hash = await hashPassword(request.body.password);
    // Two setups racing: only the first one to get here writes the file.
    if (!auth.password.setFirstRun(hash)) return reply.code(409).send({ error: 'already_set' });
    log.warn({ ip: request.ip }, 'owner password set by first-run setup');
    auth.startSession(reply);
    return reply.code(204).send();
  });
}

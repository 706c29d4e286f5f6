/**
 * The shopper page's routes: the e-receipt behind a QR token, the sign-up that becomes one
 * consent message to the basket's box, the sign-up's state, and the shopper's own month.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../../log.js';
import type { SlidingWindowLimiter } from '../../web/auth/rate-limit.js';
import type { BasketV1, BasketV2 } from '../../sync/basket.js';
import { checkSignUp, consentMessage, type ConsentMessage } from '../consent.js';
import { ownMonth, type StoredBasket } from '../month.js';
import { consentState, createSession, deleteSession, insertConsentRequest, markConsentFailed, sessionFor, setSessionRequest, webPushKey, type ShopperSession } from '../shopper-store.js';
import { BASKETS_TABLE } from '../store.js';
import { sameOrigin, type CsrfTokens } from './csrf.js';
import { WORDING_VERSION, WORDS, pickLang, type Lang } from './i18n.js';
import { messagePage, monthPage, receiptPage, stateText, type SignupState } from './render.js';

export interface RouteDeps {
  db: pg.Pool;
  publish: (topic: string, payload: string) => Promise<void>;
  qrKey: string;
  logger: Logger;
  now: () => Date;
  csrf: CsrfTokens;
  perAddress: SlidingWindowLimiter;
  perBasket: SlidingWindowLimiter;
}

export const COOKIE = 'tbx_shopper';
const SESSION_DAYS = 90;
/** How long a sign-up waits for the broker's PUBACK before answering "pending" anyway. */
const PUBLISH_WAIT_MS = 5000;
const STORE = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{16}$/;

interface Found {
  id: string;
  store: string;
  box: string;
  member: string | null;
  payload: BasketV1 | BasketV2;
}

async function findBasket(db: pg.Pool, store: string, token: string): Promise<Found | null> {
  if (!STORE.test(store) || !TOKEN.test(token)) return null;
  const row = (await db.query<Found>(`SELECT id, store, box, member, payload FROM ${BASKETS_TABLE} WHERE store = $1 AND token = $2 LIMIT 1`, [store, token])).rows[0];
  return row ?? null;
}

const langOf = (req: FastifyRequest): Lang => pickLang((req.query as { lang?: unknown } | undefined)?.lang, req.headers['accept-language']);
const wantsJson = (req: FastifyRequest): boolean => (req.headers['content-type'] ?? '').startsWith('application/json');
const html = (reply: FastifyReply, code: number, body: string): FastifyReply => reply.code(code).type('text/html; charset=utf-8').send(body);

export function registerShopperRoutes(app: FastifyInstance, d: RouteDeps): void {
  /** Publishes one consent message to its box; false (and the request marked failed) if the broker refused it. */
  async function send(store: string, box: string, msg: ConsentMessage): Promise<boolean> {
    const topic = `tillbox/${store}/${box}/config/consent`;
    try {
      // Waits for the PUBACK at most PUBLISH_WAIT_MS; a slower broker leaves the request pending.
      await Promise.race([d.publish(topic, JSON.stringify(msg)), new Promise((resolve) => setTimeout(resolve, PUBLISH_WAIT_MS).unref())]);
    } catch (err) {
      d.logger.error({ err: { message: (err as Error).message }, store, box }, 'consent message not published');
      await markConsentFailed(d.db, msg.id, 'HO_PUBLISH_FAILED', 'the broker did not take the message');
      return false;
    }
    d.logger.info({ store, box, request: msg.id, channels: Object.keys(msg.channels), withdraw: msg.withdraw }, 'consent message published');
    return true;
  }

  async function session(req: FastifyRequest): Promise<ShopperSession | null> {
    return sessionFor(d.db, req.cookies[COOKIE]);
  }
  async function signupOf(s: ShopperSession): Promise<SignupState> {
    const st = await consentState(d.db, s.request);
    return st === null ? { state: 'failed', error: null, withdraw: false } : { state: st.state, error: st.error, withdraw: st.withdraw };
  }

  app.get<{ Params: { store: string; token: string } }>('/r/:store/:token', async (req, reply) => {
    const lang = langOf(req);
    const b = await findBasket(d.db, req.params.store, req.params.token);
    if (b === null) return reply.callNotFound();
    const path = `/r/${encodeURIComponent(b.store)}/${req.params.token}`;
    const s = await session(req);
    const mine = s !== null && (s.basket === b.id || (s.member !== null && s.member === b.member));
    const page = receiptPage({
      lang,
      path,
      basket: b.payload,
      csrf: d.csrf.issue(`${b.store}/${req.params.token}`, d.now().getTime()),
      vapidKey: await webPushKey(d.db, b.store, b.box),
      signedUp: await (async () => {
        if (!mine || s === null) return null;
        const st = await signupOf(s);
        // After a confirmed withdrawal the shopper may sign up again.
        return st.withdraw && st.state === 'confirmed' ? null : st;
      })(),
    });
    return html(reply, 200, page);
  });

  app.post<{ Params: { store: string; token: string }; Body: Record<string, unknown> }>('/r/:store/:token/signup', async (req, reply) => {
    const lang = langOf(req);
    const w = WORDS[lang];
    const json = wantsJson(req);
    const fail = (code: number, problems: string[], text: string): FastifyReply =>
      json ? reply.code(code).send({ ok: false, problems, message: text }) : html(reply, code, messagePage(lang, `/r/${encodeURIComponent(req.params.store)}/${encodeURIComponent(req.params.token)}`, w.signupTitle, text, 'signup-error'));
    if (!sameOrigin(req.headers.origin, req.headers.host)) return fail(403, ['origin'], w.formExpired);
    const b = await findBasket(d.db, req.params.store, req.params.token);
    if (b === null) return reply.callNotFound();
    const body = req.body !== null && typeof req.body === 'object' ? req.body : {};
    if (!d.csrf.check(`${b.store}/${req.params.token}`, body['csrf'], d.now().getTime())) return fail(403, ['csrf'], w.formExpired);
    const wait = Math.max(d.perAddress.attempt(req.ip), d.perBasket.attempt(b.id));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return fail(429, ['rate'], w.tooMany);
    }
    const checked = checkSignUp(body);
    if (!checked.ok) return fail(400, checked.problems, checked.problems.map((p) => w.problems[p] ?? p).join(' '));

    const msg = consentMessage(checked.signUp, { member: b.member, basket: b.id }, WORDING_VERSION, d.now());
    await insertConsentRequest(d.db, {
      id: msg.id, store: b.store, box: b.box, basket: b.id, member: b.member,
      channels: Object.keys(msg.channels), kinds: checked.signUp.kinds, wording: WORDING_VERSION, withdraw: false,
    });
    const topic = `tillbox/${b.store}/${b.box}/config/consent`;
    try {
      await Promise.race([d.publish(topic, JSON.stringify(msg)), new Promise((resolve) => setTimeout(resolve, PUBLISH_WAIT_MS).unref())]);
    } catch (err) {
      d.logger.error({ err: { message: (err as Error).message }, store: b.store, box: b.box }, 'consent message not published');
      await markConsentFailed(d.db, msg.id, 'HO_PUBLISH_FAILED', 'the broker did not take the message');
      return fail(503, ['publish'], w.failed);
    }
    d.logger.info({ store: b.store, box: b.box, request: msg.id, channels: Object.keys(msg.channels) }, 'consent message published');
    const old = req.cookies[COOKIE];
    if (old !== undefined) await deleteSession(d.db, old);
    const token = await createSession(d.db, { store: b.store, box: b.box, basket: b.id, member: b.member, request: msg.id }, SESSION_DAYS);
    reply.setCookie(COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', maxAge: SESSION_DAYS * 86400 });
    if (json) return reply.code(202).send({ ok: true, state: 'pending', text: w.pending, link: w.myMonth });
    return reply.code(303).header('location', `/me?lang=${lang}`).send();
  });

  app.get('/api/signup', async (req, reply) => {
    const s = await session(req);
    if (s === null) return reply.code(401).send({ ok: false });
    const st = await signupOf(s);
    return { ok: true, state: st.state, text: stateText(st, langOf(req)) };
  });

  app.get('/me', async (req, reply) => {
    const lang = langOf(req);
    const s = await session(req);
    if (s === null) return html(reply, 200, messagePage(lang, '/me', WORDS[lang].myMonth, WORDS[lang].notSignedUp, 'not-signed-up'));
    const signup = await signupOf(s);
    const now = d.now();
    const csrf = d.csrf.issue(`withdraw/${s.basket}`, now.getTime());
    if (s.member === null) {
      const row = (await d.db.query<StoredBasket>(`SELECT store, token, payload FROM ${BASKETS_TABLE} WHERE id = $1`, [s.basket])).rows[0];
      const one = row === undefined ? null : ownMonth([row], now);
      return html(reply, 200, monthPage({ lang, csrf, signup, month: null, single: row?.payload ?? null, expiringSingle: one?.expiring ?? [] }));
    }
    // Two months back covers "this month" in any offset, and what was bought recently enough to expire soon.
    const since = new Date(now.getTime() - 62 * 86_400_000);
    const rows = (await d.db.query<StoredBasket>(`SELECT store, token, payload FROM ${BASKETS_TABLE} WHERE member = $1 AND time >= $2 ORDER BY time DESC LIMIT 5000`, [s.member, since])).rows;
    return html(reply, 200, monthPage({ lang, csrf, signup, month: ownMonth(rows, now), single: null, expiringSingle: [] }));
  });

  // Withdrawal: one action, everything for this pseudonym (or basket) at its box: `withdraw:true`
  // with no channels (head office keeps no address to name one by).
  app.post<{ Body: Record<string, unknown> }>('/me/withdraw', async (req, reply) => {
    const lang = langOf(req);
    const w = WORDS[lang];
    const s = await session(req);
    const cookieToken = req.cookies[COOKIE];
    if (!sameOrigin(req.headers.origin, req.headers.host) || s === null || cookieToken === undefined) return html(reply, 403, messagePage(lang, '/me', w.withdraw, w.formExpired));
    const body = req.body !== null && typeof req.body === 'object' ? req.body : {};
    if (!d.csrf.check(`withdraw/${s.basket}`, body['csrf'], d.now().getTime())) return html(reply, 403, messagePage(lang, '/me', w.withdraw, w.formExpired));
    const wait = d.perAddress.attempt(req.ip);
    if (wait > 0) return html(reply.header('retry-after', String(wait)), 429, messagePage(lang, '/me', w.withdraw, w.tooMany));
    const msg = consentMessage({ email: null, webpush: null, kinds: [] }, { member: s.member, basket: s.basket }, WORDING_VERSION, d.now(), true);
    await insertConsentRequest(d.db, { id: msg.id, store: s.store, box: s.box, basket: s.basket, member: s.member, channels: [], kinds: [], wording: WORDING_VERSION, withdraw: true });
    await setSessionRequest(d.db, cookieToken, msg.id);
    if (!(await send(s.store, s.box, msg))) return html(reply, 503, messagePage(lang, '/me', w.withdraw, w.withdrawFailed));
    return reply.code(303).header('location', `/me?lang=${lang}`).send();
  });

  app.post('/me/signout', async (req, reply) => {
    const lang = langOf(req);
    if (!sameOrigin(req.headers.origin, req.headers.host)) return html(reply, 403, messagePage(lang, '/me', WORDS[lang].signOut, WORDS[lang].formExpired));
    const old = req.cookies[COOKIE];
    if (old !== undefined) await deleteSession(d.db, old);
    reply.clearCookie(COOKIE, { path: '/' });
    return reply.code(303).header('location', `/me?lang=${lang}`).send();
  });
}

/**
 * The shopper page's HTML, rendered on the server (phone first: one column, large targets), with
 * every value escaped. No inline script or style (the CSP forbids both); behaviour is in
 * assets/shopper.js. Never renders a member id or pseudonym: the views below do not receive one.
 */
import { categoryById } from '../../shopper/catalogue/categories.js';
import { formatMoney } from '../../shopper/money.js';
import type { BasketV1, BasketV2 } from '../../sync/basket.js';
import { KINDS } from '../consent.js';
import { basketLines, basketTotal, type MonthView } from '../month.js';
import type { ConsentState } from '../shopper-store.js';
import { WORDING_VERSION, WORDS, type Lang } from './i18n.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(lang: Lang, title: string, body: string, path: string): string {
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/shopper.css">
<script src="/assets/shopper.js" defer></script>
</head>
<body>
<header class="bar"><span class="brand">tillbox</span><a class="lang" id="lang-switch" href="${esc(`${path}?lang=${other}`)}" hreflang="${other}">${other === 'zh' ? '中文' : 'English'}</a></header>
<main>
${body}
</main>
<footer class="note">${esc(WORDS[lang].privacy)}</footer>
</body>
</html>
`;
}

/** "2026-11-23T10:00:00+08:00" → "2026-11-23 10:00" (the store's local time, as printed). */
function showTime(time: string | null, lang: Lang): string {
  if (time === null) return WORDS[lang].noTime;
  return time.slice(0, 16).replace('T', ' ');
}

function qty(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

function categoryName(id: string, lang: Lang): string {
  const c = categoryById(id);
  return c === undefined ? id : c[lang];
}

export interface SignupState {
  state: ConsentState;
  error: string | null;
  /** The latest request was a withdrawal. */
  withdraw: boolean;
}

export interface ReceiptView {
  lang: Lang;
  path: string;
  basket: BasketV1 | BasketV2;
  csrf: string;
  vapidKey: string | null;
  /** This browser already signed up from a basket: its sign-up's state. */
  signedUp: SignupState | null;
}

function receiptBlock(b: BasketV1 | BasketV2, lang: Lang): string {
  const w = WORDS[lang];
  const money = (m: number): string => esc(formatMoney(m, b.currency));
  const { lines, discounts, payments } = basketLines(b);
  const items = lines.map((l) => `<li class="item"><span class="name">${esc(l.name)}</span><span class="qty">× ${qty(l.qty)}</span><span class="amt">${money(l.amountMinor)}</span></li>`).join('\n');
  const disc = discounts.map((d) => `<li class="item disc"><span class="name">${esc(d.name)}</span><span class="qty"></span><span class="amt">${money(d.amountMinor)}</span></li>`).join('\n');
  const pays = payments.map((p) => `<li><span>${esc(w.payment[p.method] ?? p.method)}</span><span class="amt">${money(p.amountMinor)}</span></li>`).join('\n');
  const note = b.kind !== 'sale' ? `<p class="kind">${esc(w.kindNote[b.kind] ?? '')}</p>` : '';
  const cut = b.truncated !== undefined ? `<p class="kind" id="truncated">${esc(w.truncated)}</p>` : '';
  return `<section class="card receipt" id="receipt">
<h1>${esc(w.title)}</h1>
<dl class="meta"><dt>${esc(w.store)}</dt><dd id="store">${esc(b.store)}</dd><dt>${esc(w.time)}</dt><dd id="time">${esc(showTime(b.time, lang))}</dd></dl>
${note}${cut}
<ul class="items">
${items}
${disc}
</ul>
<p class="total"><span>${esc(w.total)}</span><span class="amt" id="total">${money(basketTotal(b))}</span></p>
${pays === '' ? '' : `<ul class="pays" aria-label="${esc(w.paid)}">\n${pays}\n</ul>`}
</section>`;
}

export function stateText(s: SignupState, lang: Lang): string {
  const w = WORDS[lang];
  if (s.withdraw) return s.state === 'confirmed' ? w.withdrawConfirmed : s.state === 'failed' ? w.withdrawFailed : w.withdrawPending;
  return s.state === 'confirmed' ? w.confirmed : s.state === 'failed' ? w.failed : w.pending;
}

function signupForm(v: ReceiptView): string {
  const w = WORDS[v.lang];
  if (v.signedUp !== null) {
    return `<section class="card signup" id="signed-up">
<h2>${esc(w.signedUp)}</h2>
<p class="state state-${v.signedUp.state}" id="status" data-poll="/api/signup" data-lang="${v.lang}">${esc(stateText(v.signedUp, v.lang))}</p>
<p><a class="button" href="/me?lang=${v.lang}">${esc(w.myMonth)}</a></p>
</section>`;
  }
  const kinds = KINDS.map((k) => `<label class="check"><input type="checkbox" name="kinds" value="${k}"> ${esc(w.kinds[k])}</label>`).join('\n');
  const push = v.vapidKey === null ? '' : `<label class="check push" id="push-row" hidden><input type="checkbox" id="push" name="push" value="yes"> ${esc(w.webpush)}</label>
<p class="hint" id="push-hint" hidden>${esc(w.webpushHint)}</p>
<p class="hint" id="push-none" hidden>${esc(w.webpushNone)}</p>`;
  return `<section class="card signup">
<h2>${esc(w.signupTitle)}</h2>
<p>${esc(w.signupIntro)}</p>
<form id="signup" method="post" action="${esc(`${v.path}/signup?lang=${v.lang}`)}" data-lang="${v.lang}"${v.vapidKey === null ? '' : ` data-vapid="${esc(v.vapidKey)}"`}>
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="webpush" id="webpush" value="">
<label class="field">${esc(w.email)}<input type="email" name="email" id="email" autocomplete="email" inputmode="email" placeholder="${esc(w.emailHint)}" maxlength="254"></label>
${push}
<fieldset><legend class="legend">${esc(w.kindsLegend)}</legend>
${kinds}
</fieldset>
<p class="consent" id="consent-text" data-wording="${WORDING_VERSION}">${esc(w.consentText)} <span class="wording">(${WORDING_VERSION})</span></p>
<label class="check"><input type="checkbox" name="consent" id="consent" value="yes"> ${esc(w.consentBox)}</label>
<button type="submit" id="submit">${esc(w.submit)}</button>
<p class="state" id="status" role="status" aria-live="polite"></p>
</form>
</section>`;
}

export function receiptPage(v: ReceiptView): string {
  return layout(v.lang, `${WORDS[v.lang].title} · ${v.basket.store}`, `${receiptBlock(v.basket, v.lang)}\n${signupForm(v)}`, v.path);
}

export function messagePage(lang: Lang, path: string, title: string, text: string, id = 'message'): string {
  return layout(lang, title, `<section class="card" id="${id}"><h1>${esc(title)}</h1><p>${esc(text)}</p></section>`, path);
}

export interface MonthPageView {
  lang: Lang;
  /** CSRF token for the withdrawal form. */
  csrf: string;
  signup: SignupState;
  /** null: the sign-up was keyed by basket id; the month cannot be assembled. */
  month: MonthView | null;
  /** With no pseudonym: the one basket signed up from. */
  single: (BasketV1 | BasketV2) | null;
  expiringSingle: MonthView['expiring'];
}

function expiringList(items: MonthView['expiring'], lang: Lang): string {
  const w = WORDS[lang];
  if (items.length === 0) return `<p id="expiring-none">${esc(w.expiringNone)}</p>`;
  const li = items.map((e) => `<li><span class="name">${esc(e.name)}</span><span class="when when-${Math.min(e.inDays, 2)}">${esc(w.inDays(e.inDays))}</span></li>`).join('\n');
  return `<ul class="expiring" id="expiring">\n${li}\n</ul><p class="hint">${esc(w.expiringNote)}</p>`;
}

export function monthPage(v: MonthPageView): string {
  const w = WORDS[v.lang];
  const status = `<p class="state state-${v.signup.state}" id="status" data-poll="/api/signup" data-lang="${v.lang}">${esc(w.stateLabel)}${v.lang === 'zh' ? '：' : ': '}${esc(stateText(v.signup, v.lang))}</p>`;
  let body: string;
  if (v.month === null) {
    const single = v.single === null ? '' : receiptBlock(v.single, v.lang);
    body = `<section class="card">${status}<p id="no-pseudonym">${esc(w.noPseudonym)}</p></section>
${single}
<section class="card"><h2>${esc(w.expiringTitle)}</h2>${expiringList(v.expiringSingle, v.lang)}</section>`;
  } else {
    const m = v.month;
    const cur = m.currency ?? 'CNY';
    const money = (x: number): string => esc(formatMoney(x, cur));
    const itemsTotal = m.byCategory.reduce((s, c) => s + Math.max(0, c.amountMinor), 0);
    const cats = m.byCategory
      .map((c) => {
        const pct = itemsTotal > 0 ? Math.round((Math.max(0, c.amountMinor) * 100) / itemsTotal) : 0;
        return `<li><span class="name">${esc(categoryName(c.category, v.lang))}</span><span class="pct">${pct}%</span><span class="amt">${money(c.amountMinor)}</span><span class="barline" data-pct="${pct}"></span></li>`;
      })
      .join('\n');
    const receipts = m.list
      .map((r) => `<li><a href="${r.token === null ? '#' : esc(`/r/${encodeURIComponent(r.store)}/${r.token}?lang=${v.lang}`)}">${esc(showTime(r.time, v.lang))}</a><span class="amt">${money(r.totalMinor)}</span></li>`)
      .join('\n');
    body = `<section class="card">${status}</section>
<section class="card month" id="month">
<h1>${esc(w.monthTitle(m.month))}</h1>
<p class="big"><span>${esc(w.spent)}</span> <strong id="spend">${money(m.spendMinor)}</strong> <span id="receipt-count">${m.receipts} ${esc(w.receipts)}</span></p>
${m.otherCurrency > 0 ? `<p class="hint">${esc(w.otherCurrency(m.otherCurrency))}</p>` : ''}
${m.list.length === 0 ? `<p>${esc(w.noReceipts)}</p>` : ''}
<h2>${esc(w.howMoneyWent)}</h2>
<ul class="cats" id="categories">
${cats}
</ul>
${m.list.length === 0 ? '' : `<h2>${esc(w.receiptsTitle)}</h2>`}
<ul class="receipts" id="receipts">
${receipts}
</ul>
</section>
<section class="card"><h2>${esc(w.expiringTitle)}</h2>${expiringList(m.expiring, v.lang)}</section>`;
  }
  const withdrawn = v.signup.withdraw && v.signup.state !== 'failed';
  if (!withdrawn) {
    body += `\n<section class="card"><form method="post" action="/me/withdraw?lang=${v.lang}" id="withdraw-form"><input type="hidden" name="csrf" value="${esc(v.csrf)}"><p class="hint">${esc(w.withdrawHint)}</p><button type="submit" class="secondary" id="withdraw">${esc(w.withdraw)}</button></form></section>`;
  }
  body += `\n<form method="post" action="/me/signout?lang=${v.lang}" class="signout"><button type="submit" class="link">${esc(w.signOut)}</button></form>`;
  return layout(v.lang, v.month === null ? w.signedUp : w.monthTitle(v.month.month), body, '/me');
}

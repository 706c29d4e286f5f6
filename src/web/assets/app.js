// The tillbox status page. Plain ES module, no build step, no external requests (CSP: 'self' only).
// Data is inserted with textContent only; member ids arrive already masked from the server.
import { renderAlerts, renderHealth } from './alerts.js';
import { BarChart } from './charts.js';
import { showDetail } from './detail.js';
import { $, ago as agoFrom, duration, formatMoney, h, percent } from './format.js';
import { initialLanguage, rememberLanguage, translator } from './i18n.js';
import { renderInsights } from './insights.js';
import { initMemberLookup, renderMember } from './member.js';
import { failedArrived, hideFailedActions, initFailed, loadFailed, renderFailed, showFailedActions } from './failed.js';
import { initLogin, setSetupMode, showLogin as loginCard } from './login.js';
import { cards, views } from './registry.js';
// Views and cards register themselves (registry.js); one import each.
import './settings.js';
import './logs.js';
import './footer-card.js';
import { renderReceiptRows } from './receipts.js';

let lang = initialLanguage();
let t = translator(lang);
let currency = 'CNY';
let events = null;
let lastStatus = null;
const state = { receipts: [], summary: null, last30: null, reminders: null, insights: undefined }; // insights: undefined until loaded, null before the first nightly run

const money = (fen) => formatMoney(fen, currency);
// The store-local day, for "today" rows showing only their time.
const browserDay = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
const today = () => state.summary?.day ?? browserDay();
let notPrinted = new Set(); // receipt ids the customer did not get (from status.notPrinted)
const ago = (iso, nowIso) => agoFrom(iso, nowIso, t);

async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options });
  if (res.status === 401 && path !== '/api/login') {
    showLogin();
    throw new Error('unauthorized');
  }
  return res;
}

async function getJson(path) {
  const res = await api(path);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

// ---- language -------------------------------------------------------------------------------

function applyLanguage() {
  t = translator(lang);
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  $('lang').textContent = t('switchTo');
  renderAll();
}

$('lang').addEventListener('click', () => {
  lang = lang === 'en' ? 'zh-CN' : 'en';
  rememberLanguage(lang);
  applyLanguage();
});

// ---- login ----------------------------------------------------------------------------------

function showLogin() {
  loginCard(t, () => {
    if (events) events.close();
    events = null;
  });
}
initLogin(() => t, () => startDashboard(), showLogin);

// ---- views ----------------------------------------------------------------------------------

// The page context every view and card gets (registry.js).
function pageContext() {
  return { t, lang, money, api, getJson, openDetail, today, status: lastStatus, showDetail: (d) => showDetail(d, t, money) };
}

function renderNav() {
  const current = currentView();
  const tabs = [{ id: 'dash', label: 'navDash' }, ...views];
  $('nav').replaceChildren(...tabs.map((v) => h('a', { href: v.id === 'dash' ? '#' : `#${v.id}`, class: v.id === current ? 'on' : '', 'data-view': v.id, 'aria-current': v.id === current ? 'page' : undefined, text: t(v.label) })));
}

const currentView = () => (views.some((v) => `#${v.id}` === location.hash) ? location.hash.slice(1) : 'dash');

async function showView() {
  if ($('login').hidden === false) return;
  const id = currentView();
  $('dash').hidden = id !== 'dash';
  for (const v of views) $(v.section).hidden = v.id !== id;
  renderNav();
  const view = views.find((v) => v.id === id);
  if (view) await view.show(pageContext()).catch((err) => err.message !== 'unauthorized' && console.warn(err));
}
window.addEventListener('hashchange', () => void showView());
for (const v of views) v.init?.(pageContext);
initFailed(pageContext);

// ---- dashboard ------------------------------------------------------------------------------

const daysChart = new BarChart($('chart-days'));
const hoursChart = new BarChart($('chart-hours'));

async function startDashboard() {
  $('login').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = false;
  $('live').hidden = false;
  $('foot').hidden = false;
  try {
    await showView();
    await Promise.all([loadReceipts(), loadFailed(pageContext()), loadSummary(), loadSlow()]);
  } catch (err) {
    if (err.message === 'unauthorized') return;
    console.warn(err);
  }
  connectLive();
}

async function loadReceipts() {
  state.receipts = (await getJson('/api/receipts?limit=30')).receipts;
  renderReceipts();
}

async function loadSummary() {
  const [summary, last30] = await Promise.all([getJson('/api/store/summary'), getJson('/api/store/last30days')]);
  const dayBefore = state.summary?.day;
  state.summary = summary;
  state.last30 = last30;
  currency = summary.currency;
  renderSummary();
  if (summary.day !== dayBefore) {
    renderReceipts(); // rows of today show their time only, now that the store's day is known
    renderFailed(pageContext());
  }
}

async function loadSlow() {
  const [reminders, insights] = await Promise.all([getJson('/api/reminders'), getJson('/api/insights'), ...cards.map((c) => c.load?.(pageContext()))]);
  state.reminders = reminders;
  state.insights = insights;
  renderReminders();
}

let summaryTimer = null;
function refreshSummarySoon() {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(() => loadSummary().catch(() => {}), 400);
}

function connectLive() {
  if (events) events.close();
  events = new EventSource('/api/events');
  events.addEventListener('open', () => setLive(true));
  events.addEventListener('error', async () => {
    setLive(false);
    if (events && events.readyState === EventSource.CLOSED) {
      // A closed stream is usually an expired session: ask, then log in again or retry.
      const s = await fetch('/api/session', { credentials: 'same-origin' }).then((r) => r.json()).catch(() => null);
      if (s && !s.authenticated) showLogin();
      else setTimeout(connectLive, 3000);
    }
  });
  events.addEventListener('status', (ev) => {
    lastStatus = JSON.parse(ev.data);
    renderStatus();
    const ids = new Set((lastStatus.notPrinted ?? []).map((r) => r.id));
    if ([...ids].join() !== [...notPrinted].join()) {
      notPrinted = ids;
      renderReceipts();
    }
  });
  events.addEventListener('receipt', (ev) => {
    const row = JSON.parse(ev.data);
    state.receipts = [row, ...state.receipts.filter((r) => r.id !== row.id)].slice(0, 30);
    renderReceipts(row.id);
    refreshSummarySoon();
  });
  events.addEventListener('failed', (ev) => {
    failedArrived(pageContext(), JSON.parse(ev.data));
  });
  events.addEventListener('changed', (ev) => {
    const { what } = JSON.parse(ev.data);
    if (what === 'reminders') loadSlow().catch(() => {});
    else refreshSummarySoon();
  });
}

function setLive(on) {
  const el = $('live');
  el.className = on ? 'live on' : 'live';
  el.textContent = t(on ? 'live' : 'offline');
  el.dataset.i18n = on ? 'live' : 'offline';
}

// ---- rendering ------------------------------------------------------------------------------

function renderAll() {
  renderStatus();
  renderSummary();
  renderReceipts();
  renderFailed(pageContext());
  renderReminders();
  renderMember(memberContext());
  renderNav();
  const ctx = pageContext();
  for (const c of cards) c.render?.(ctx);
  const view = views.find((v) => v.id === currentView());
  if (view && !$(view.section).hidden) view.render(ctx);
}

function memberContext() {
  return { t, lang, money: formatMoney };
}
initMemberLookup(memberContext);

function renderStatus() {
  const s = lastStatus;
  if (!s) return;
  if (s.store && s.store.name) $('store-name').textContent = s.store.name;
  renderHealth(s.health, t);
  renderAlerts(s.alerts, { t, lang, today: today(), openDetail });
  $('parse-rate').textContent = percent(s.parseSuccessRate);
  renderPrinterText(s.printerText);
  $('sync-backlog').textContent = String(s.outboxBacklog);
  $('sync-last').textContent = ago(s.broker.lastAckAt, s.now);
  // Baskets given up on only: the tap's bytes while the printer was down are the alert's "not printed".
  $('sync-dropped').textContent = String(Object.entries(s.dropped).filter(([k]) => k.startsWith('outbox')).reduce((a, [, b]) => a + b, 0));
  $('foot-version').textContent = s.version;
  $('foot-uptime').textContent = duration(s.uptimeSeconds, t);
  $('foot-bytes').textContent = `${s.bytes.posToPrinter.toLocaleString('en-US')} ↓ / ${s.bytes.printerToPos.toLocaleString('en-US')} ↑`;
}

// How the printer's text is read (issue 11): one line under the parse rate, a card when it looks wrong.
function renderPrinterText(p) {
  $('printer-text').textContent = p ? t('printerText', { label: p.label, mode: t(`mode_${p.mode}`), source: t(`source_${p.source}`), n: p.documents }) : '\u00a0';
  const card = $('text-warning');
  card.hidden = !p || p.warning === null;
  if (card.hidden) return;
  $('text-warning-title').textContent = t(p.warning === 'mojibake' ? 'textMojibakeTitle' : 'textUnsureTitle');
  $('text-warning-body').textContent = t(p.warning === 'mojibake' ? 'textMojibake' : 'textUnsure', { label: p.label, pct: Math.round(p.mojibakeShare * 100), c: Math.round(p.confidence * 100) });
}

function renderSummary() {
  const d = state.summary;
  if (!d) return;
  const s = d.summary;
  $('today-sales').textContent = money(s.netMinor);
  $('today-receipts').textContent = String(s.receipts);
  // An average is shown, never stored or summed: rounded to whole fen for display.
  $('today-avg').textContent = s.receipts > 0 ? money(Math.round(s.netMinor / s.receipts)) : '—';
  $('today-members').textContent = String(s.memberReceipts);
  $('today-refunds').textContent = money(s.refundsMinor);
  hoursChart.update(d.byHour.map((x) => ({ label: String(x.hour), value: x.salesMinor })), t('sales'));
  if (state.last30) daysChart.update(state.last30.days.map((x) => ({ label: x.day.slice(5), value: x.salesMinor })), t('sales'));
}

function renderReceipts(flashId) {
  renderReceiptRows(state.receipts, { t, money, today: today(), notPrinted, openDetail, flashId });
}

function renderReminders() {
  const r = state.reminders;
  if (r) for (const key of ['dueToday', 'dueTomorrow', 'next7Days', 'sentLast7Days']) $(`rem-${key}`).textContent = String(r[key]);
  if (state.insights !== undefined) renderInsights(state.insights, { t, lang, money, ago, now: lastStatus?.now });
}

// ---- receipt detail -------------------------------------------------------------------------

async function openDetail(id, opts = {}) {
  const d = await getJson(`/api/receipts/${encodeURIComponent(id)}`);
  if (!d) return;
  showDetail(d, t, money);
  if (opts.failed) await showFailedActions(pageContext(), id);
  else hideFailedActions();
}

$('detail-close').addEventListener('click', () => $('detail').close());
$('detail-reveal').addEventListener('click', async () => {
  const d = await getJson(`/api/receipts/${encodeURIComponent($('detail-reveal').dataset.id ?? '')}?reveal=1`);
  if (d) showDetail(d, t, money);
});

// ---- start ----------------------------------------------------------------------------------

setInterval(() => {
  if (!$('nav').hidden) {
    loadSlow().catch(() => {});
    renderStatus(); // refresh "n min ago"
  }
}, 60_000);

applyLanguage();
fetch('/api/session', { credentials: 'same-origin' })
  .then((r) => r.json())
  .then((s) => {
    setSetupMode(s.setupRequired);
    if (s.authenticated) startDashboard();
    else showLogin();
  })
  .catch(() => showLogin());

// The owner's consent card, next to the member lookup: the cashier signs a member up at the till
// (e-mail; a mobile number for the webhook channel, e.g. an SMS gateway), records a withdrawal,
// and sees what will actually go out per channel and how deliveries went. Its own zh/en strings.
// It shows itself once the owner is logged in (the API answers 401 otherwise). Contacts come
// back masked; everything goes into the page through textContent only.
import { $, h } from './format.js';

/** The version of the consent text below; stored with every consent given on this card. */
const WORDING = 'till-v1';
const KINDS = ['expiry', 'monthly', 'buyAgain', 'offers'];
/** Channels a cashier can sign up for here (Web Push needs the shopper's own browser: head-office page). */
const TILL_CHANNELS = ['email', 'webhook', 'mqtt', 'file'];

const STR = {
  zh: {
    title: '会员消息登记', id: '会员号', email: '电子邮箱', mobile: '手机号（短信/微信网关）', kinds: '消息类型', channels: '渠道',
    expiry: '到期提醒', monthly: '月度小结', buyAgain: '补货提醒', offers: '优惠活动',
    ch_email: '电子邮件', ch_webhook: '短信/微信（webhook）', ch_mqtt: '总部 CRM（MQTT）', ch_file: '演示文件', ch_webpush: '网页推送',
    text: '会员同意本店通过所选渠道发送所选类型的消息；可随时在收银台或邮件中的链接退订。',
    signUp: '登记同意', withdraw: '撤回全部', show: '查看',
    reach: '可送达', tomorrow: '明天', delivered: '已送达', pending: '待发', failed: '失败', withdrawn: '已取消',
    figuresHint: '可送达：同意接收到期提醒且留有联系方式的会员；明天：明天真正会发出的到期提醒（未同意的会员不计）。',
    recent: '最近的消息', none: '暂无', unknownMember: '本机还没有这位会员的记录。', saved: '已登记。', withdrawnMsg: (n) => `已撤回，取消了 ${n} 条待发送的消息。`,
    granted: '已同意', off: '已撤回', failedRequest: '请求失败', contacts: '联系方式',
  },
  en: {
    title: 'Member messages', id: 'Member id', email: 'E-mail', mobile: 'Mobile (SMS / WeChat gateway)', kinds: 'Kinds', channels: 'Channels',
    expiry: 'Expiry reminders', monthly: 'Monthly summary', buyAgain: 'Buy again', offers: 'Offers',
    ch_email: 'E-mail', ch_webhook: 'SMS / WeChat (webhook)', ch_mqtt: 'Head-office CRM (MQTT)', ch_file: 'Demo file', ch_webpush: 'Web Push',
    text: 'The member agrees that this shop sends the chosen kinds of message by the chosen channels; they can unsubscribe at the till or by the link in any e-mail.',
    signUp: 'Record consent', withdraw: 'Withdraw all', show: 'Show',
    reach: 'Reach', tomorrow: 'Tomorrow', delivered: 'Delivered', pending: 'Pending', failed: 'Failed', withdrawn: 'Cancelled',
    figuresHint: 'Reach: members who agreed to expiry reminders and left a contact; Tomorrow: expiry reminders that will really go out tomorrow (members without consent count zero).',
    recent: 'Latest messages', none: 'None yet', unknownMember: 'This box has no record of this member yet.', saved: 'Recorded.', withdrawnMsg: (n) => `Withdrawn; ${n} queued message(s) cancelled.`,
    granted: 'granted', off: 'withdrawn', failedRequest: 'Request failed', contacts: 'Contacts',
  },
};

const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'zh');
const t = (k) => STR[lang()][k] ?? k;

let state = null; // GET /api/notifications
let view = null; // { member, known, contacts, consent } | { message }

async function send(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.message ?? `${res.status}`);
  return json;
}

function checkboxes(name, values, label, checked) {
  return h('fieldset', { class: 'consent-set' }, h('legend', { text: label }),
    ...values.map((v) => h('label', {}, h('input', { type: 'checkbox', name, value: v, checked: checked.includes(v) }), ` ${t(name === 'kind' ? v : `ch_${v}`)}`)));
}

function figures() {
  if (!state) return h('p', { class: 'empty', text: '—' });
  const rows = state.channels.map((ch) => {
    const c = state.deliveries.counts[ch] ?? {};
    return h('tr', { 'data-channel': ch }, h('th', { text: t(`ch_${ch}`) }),
      h('td', { class: 'num', 'data-figure': 'reach', text: String(state.reach[ch]?.expiry ?? 0) }),
      h('td', { class: 'num', 'data-figure': 'tomorrow', text: String(state.reminders.messagesTomorrow[ch] ?? 0) }),
      h('td', { class: 'num', text: String(c.delivered ?? 0) }), h('td', { class: 'num', text: String(c.pending ?? 0) }), h('td', { class: 'num', text: String(c.failed ?? 0) }));
  });
  return h('div', { class: 'scroll' }, h('table', { class: 'ins-table consent-figures' },
    h('thead', {}, h('tr', {}, h('th', {}), ...['reach', 'tomorrow', 'delivered', 'pending', 'failed'].map((k) => h('th', { class: 'num', text: t(k) })))),
    h('tbody', {}, ...rows)), h('p', { class: 'hint', text: t('figuresHint') }));
}

function recent() {
  const list = state?.deliveries.recent ?? [];
  if (list.length === 0) return h('p', { class: 'empty', text: t('none') });
  return h('ul', { class: 'consent-recent' }, ...list.slice(0, 8).map((d) =>
    h('li', { 'data-status': d.status }, `${d.createdAt.slice(5, 16).replace('T', ' ')} · ${t(`ch_${d.channel}`)} · ${d.kind} · ${t(d.status)}${d.lastError ? ` (${d.lastError})` : ''}`)));
}

function memberView() {
  if (view === null) return null;
  if (view.message) return h('p', { class: 'hint', 'data-result': 'message', text: view.message });
  if (!view.known) return h('p', { class: 'empty', 'data-result': 'unknown', text: t('unknownMember') });
  const contacts = Object.entries(view.contacts).map(([k, v]) => `${k} ${v}`).join(', ') || t('none');
  return h('div', { 'data-result': 'consent' }, h('p', { class: 'muted', text: `${t('contacts')}: ${contacts}` }),
    h('ul', { class: 'member-cats' }, ...view.consent.map((c) => h('li', {}, h('span', { text: `${t(`ch_${c.channel}`)} · ${t(c.kind)}` }),
      h('span', { text: `${c.granted ? t('granted') : t('off')} ${c.updatedAt.slice(0, 10)} (${c.source}, ${c.wording})` })))));
}

function render() {
  const card = $('consent-card');
  if (!card) return;
  const channels = (state?.channels ?? []).filter((c) => TILL_CHANNELS.includes(c));
  const form = h('form', { id: 'consent-form', class: 'member-form consent-form' },
    h('input', { id: 'consent-member', name: 'member', inputmode: 'numeric', autocomplete: 'off', maxlength: '32', required: true, placeholder: t('id') }),
    h('input', { id: 'consent-email', name: 'email', type: 'email', autocomplete: 'off', maxlength: '254', placeholder: t('email') }),
    h('input', { id: 'consent-mobile', name: 'mobile', type: 'tel', autocomplete: 'off', maxlength: '16', placeholder: t('mobile') }),
    checkboxes('channel', channels, t('channels'), channels.slice(0, 1)),
    checkboxes('kind', KINDS, t('kinds'), ['expiry', 'monthly']),
    h('p', { class: 'hint', id: 'consent-text', text: t('text') }),
    h('button', { type: 'submit', id: 'consent-submit', text: t('signUp') }),
    h('button', { type: 'button', class: 'ghost', id: 'consent-show', text: t('show'), onclick: () => act('show') }),
    h('button', { type: 'button', class: 'ghost', id: 'consent-withdraw', text: t('withdraw'), onclick: () => act('withdraw') }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act('signUp');
  });
  const keep = card.querySelector('#consent-member')?.value ?? '';
  card.replaceChildren(h('h2', { text: t('title') }), figures(), form, h('div', { id: 'consent-result', 'aria-live': 'polite' }, memberView()), h('h3', { text: t('recent') }), recent());
  $('consent-member').value = keep;
}

async function act(what) {
  const member = $('consent-member').value.trim();
  if (member === '') return;
  const path = `/api/members/${encodeURIComponent(member)}/consent`;
  try {
    if (what === 'show') view = await send(path);
    else if (what === 'withdraw') {
      const r = await send(`${path}/withdraw`, {});
      view = { ...r, message: STR[lang()].withdrawnMsg(r.cancelled) };
    } else {
      const picked = (name) => [...document.querySelectorAll(`#consent-form input[name=${name}]:checked`)].map((i) => i.value);
      const kinds = picked('kind');
      const body = { wording: WORDING, channels: Object.fromEntries(picked('channel').map((c) => [c, kinds])) };
      const email = $('consent-email').value.trim();
      const mobile = $('consent-mobile').value.trim();
      if (email !== '') body.email = email;
      if (mobile !== '') body.mobile = mobile;
      view = await send(path, body);
      // The clear address is not kept in the page once recorded.
      $('consent-email').value = '';
      $('consent-mobile').value = '';
    }
    state = await send('/api/notifications');
  } catch (err) {
    view = { message: `${t('failedRequest')}: ${err.message}` };
  }
  render();
  const result = $('consent-result');
  if (result && view?.message === undefined && what !== 'show') result.prepend(h('p', { class: 'hint', 'data-result': 'saved', text: t('saved') }));
}

async function load() {
  try {
    state = await send('/api/notifications');
  } catch {
    return; // not logged in (401)
  }
  if (state === null) return; // this box runs no notifications
  $('consent-card').hidden = false;
  render();
}

function init() {
  const dash = $('dash');
  if (!dash || !$('consent-card')) return;
  const check = () => {
    if (!dash.hidden && $('consent-card').hidden) load();
  };
  new MutationObserver(check).observe(dash, { attributes: true, attributeFilter: ['hidden'] });
  new MutationObserver(() => state && render()).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  check();
  setInterval(() => {
    if (!dash.hidden && state) send('/api/notifications').then((s) => { state = s; render(); }).catch(() => {});
  }, 30_000);
}

init();

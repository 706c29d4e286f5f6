// Failed receipts: the list (PAGE at a time, "more" for the next page) and what the owner can do
// with one in the receipt dialog: mark it as checked, parse it again with a profile (a preview),
// look at its raw bytes (hex and decoded), download the capture for a profile author.
import { $, h, whenOf } from './format.js';

const PAGE = 10;
const state = { rows: [], more: false, actions: false, profiles: null, openId: null };

export async function loadFailed(ctx, more = false) {
  const offset = more ? state.rows.length : 0;
  const got = await ctx.getJson(`/api/receipts/failed?limit=${PAGE}&offset=${offset}`);
  state.rows = more ? [...state.rows, ...got.failed] : got.failed;
  state.more = got.more;
  state.actions = got.actions === true;
  renderFailed(ctx);
}

/** A failed receipt pushed live: to the top of the list. */
export function failedArrived(ctx, row) {
  state.rows = [row, ...state.rows.filter((r) => r.id !== row.id)];
  renderFailed(ctx, row.id);
}

export function renderFailed(ctx, flashId) {
  const { t } = ctx;
  const list = $('failed-list');
  $('failed-count').textContent = state.rows.length > 0 ? t('failedCount', { n: `${state.rows.length}${state.more ? '+' : ''}` }) : '';
  $('failed-more').hidden = !state.more;
  if (state.rows.length === 0) {
    list.replaceChildren(h('li', { class: 'empty', text: t('noFailed') }));
    return;
  }
  list.replaceChildren(
    ...state.rows.map((f) =>
      h(
        'li',
        { class: `${f.id === flashId ? 'flash' : ''}${f.checked ? ' checked' : ''}`, 'data-id': f.id },
        h('button', { type: 'button', class: 'link', onclick: () => ctx.openDetail(f.id, { failed: true }) }, `${whenOf(f.capturedAt, ctx.today())} — ${t.reason(f.reason)}`),
        f.checked ? h('small', { class: 'tag ok', text: t('checked') }) : null,
        h('pre', { text: f.text.split('\n').slice(0, 6).join('\n') }),
      ),
    ),
  );
}

/** The dialog's action bar, for a failed receipt (hidden for others). */
export async function showFailedActions(ctx, id) {
  const { t } = ctx;
  const bar = $('detail-actions');
  state.openId = id;
  bar.hidden = !state.actions;
  $('detail-raw').hidden = true;
  $('reparse-note').textContent = '';
  if (!state.actions) return;
  const row = state.rows.find((r) => r.id === id);
  $('act-checked').textContent = t(row?.checked ? 'markUnchecked' : 'markChecked');
  $('act-checked').dataset.checked = row?.checked ? '1' : '0';
  $('act-download').href = `/api/receipts/${encodeURIComponent(id)}/capture`;
  $('act-download').setAttribute('download', `tillbox-${id}.bin`);
  state.profiles ??= (await ctx.getJson('/api/profiles'))?.profiles ?? [];
  const sel = $('act-profile');
  const keep = sel.value || 'auto';
  sel.replaceChildren(h('option', { value: 'auto', text: t('profile_auto') }), h('option', { value: 'none', text: t('profile_none') }), ...state.profiles.map((p) => h('option', { value: p, text: p })));
  sel.value = keep;
}

export function hideFailedActions() {
  state.openId = null;
  $('detail-actions').hidden = true;
  $('detail-raw').hidden = true;
  $('reparse-note').textContent = '';
}

export function initFailed(ctxOf) {
  $('failed-more').addEventListener('click', () => loadFailed(ctxOf(), true).catch(() => {}));
  $('act-checked').addEventListener('click', async () => {
    const ctx = ctxOf();
    const id = state.openId;
    if (!id) return;
    const checked = $('act-checked').dataset.checked !== '1';
    const res = await ctx.api(`/api/receipts/${encodeURIComponent(id)}/checked`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checked }) });
    if (!res.ok) return;
    state.rows = state.rows.map((r) => (r.id === id ? { ...r, checked } : r));
    renderFailed(ctx);
    await showFailedActions(ctx, id);
  });
  $('act-reparse').addEventListener('click', async () => {
    const ctx = ctxOf();
    const id = state.openId;
    if (!id) return;
    const profile = $('act-profile').value;
    const res = await ctx.api(`/api/receipts/${encodeURIComponent(id)}/reparse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ profile }) });
    if (!res.ok) return;
    const d = await res.json();
    ctx.showDetail(d);
    const label = profile === 'auto' || profile === 'none' ? ctx.t(`profile_${profile}`) : profile;
    $('reparse-note').textContent = ctx.t('reparseResult', { profile: label });
  });
  $('act-raw').addEventListener('click', async () => {
    const ctx = ctxOf();
    const id = state.openId;
    if (!id) return;
    const raw = await ctx.getJson(`/api/receipts/${encodeURIComponent(id)}/raw`);
    if (!raw) return;
    $('raw-size').textContent = ctx.t('rawOf', { n: raw.bytes.toLocaleString('en-US') });
    $('raw-decoded').textContent = raw.decoded;
    $('raw-hex').textContent = raw.hex;
    $('detail-raw').hidden = false;
    $('detail-raw').scrollIntoView({ block: 'start' });
  });
}

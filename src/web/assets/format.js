// Small DOM and formatting helpers for the status page. Data goes in through textContent only.

export const $ = (id) => document.getElementById(id);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

// Money is integer fen; formatting splits it with integer arithmetic only.
export function formatMoney(fen, currency) {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const units = Math.trunc(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  return `${sign}${symbol}${units}.${cents}`;
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 1000) / 10}%`;
}

// The time as printed on the receipt (its ISO string carries the store's offset).
export function timeOf(iso) {
  if (!iso) return '—';
  const m = /T(\d{2}:\d{2})/.exec(iso);
  return m ? m[1] : iso;
}

// A time a person reads on a row: HH:MM today, MM-DD HH:MM on another day of this year, else the
// full date. `today` is the store-local YYYY-MM-DD; an ISO with an offset is already store-local,
// a UTC one ("…Z") is shown in the browser's zone.
export function whenOf(iso, today) {
  if (!iso) return '—';
  let day;
  let hm;
  if (/Z$/.test(iso)) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  } else {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
    if (!m) return iso;
    day = m[1];
    hm = m[2];
  }
  if (day === today) return hm;
  if (today && day.slice(0, 4) === today.slice(0, 4)) return `${day.slice(5)} ${hm}`;
  return `${day} ${hm}`;
}

// Relative to the box's clock (status.now), so a phone with a different clock reads the same.
export function ago(iso, nowIso, t) {
  if (!iso) return t('never');
  const now = nowIso ? Date.parse(nowIso) : Date.now();
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return t('agoSec', { n: s });
  if (s < 3600) return t('agoMin', { n: Math.floor(s / 60) });
  if (s < 86400) return t('agoHour', { n: Math.floor(s / 3600) });
  return t('agoDay', { n: Math.floor(s / 86400) });
}

export function duration(seconds, t) {
  const d = Math.floor(seconds / 86400);
  const hh = Math.floor((seconds % 86400) / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  return d > 0 ? t('durDH', { d, h: hh }) : t('durHM', { h: hh, m: mm });
}

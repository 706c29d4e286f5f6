// The recent-receipts table of the dashboard. Member ids arrive masked; data goes in through textContent.
import { $, h, whenOf } from './format.js';

function confidenceBadge(c) {
  const level = c >= 0.9 ? 'ok' : c >= 0.6 ? 'warn' : 'bad';
  return h('span', { class: `badge ${level}`, text: `${Math.round(c * 100)}%` });
}

/** The recent-receipts table; rows the customer did not get (notPrinted ids) are marked. */
export function renderReceiptRows(receipts, { t, money, today, notPrinted, openDetail, flashId }) {
  const body = $('receipts-body');
  if (receipts.length === 0) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'empty', text: t('noReceipts') })));
    return;
  }
  body.replaceChildren(
    ...receipts.map((r) =>
      h(
        'tr',
        { class: `${r.id === flashId ? 'flash ' : ''}clickable${notPrinted.has(r.id) ? ' not-printed' : ''}`, 'data-id': r.id, tabindex: 0, onclick: () => openDetail(r.id), onkeydown: (e) => e.key === 'Enter' && openDetail(r.id) },
        h('td', {}, whenOf(r.time, today), notPrinted.has(r.id) ? h('small', { class: 'tag bad', title: t('notPrintedHint'), text: t('notPrinted') }) : null),
        h('td', { class: 'hide-narrow', 'data-raw': '', text: r.receiptNo ?? '—' }),
        h('td', { class: 'mono', text: r.member ?? '—' }),
        h('td', { class: 'num hide-narrow', text: String(r.itemCount) }),
        h('td', { class: `num ${r.totalMinor !== null && r.totalMinor < 0 ? 'neg' : ''}`, text: `${money(r.totalMinor)}${r.kind === 'sale' ? '' : ` · ${t(r.kind)}`}` }),
        h('td', {}, confidenceBadge(r.confidence)),
      ),
    ),
  );
}


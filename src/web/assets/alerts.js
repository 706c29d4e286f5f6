// The top of the owner's page: the alert list (only when something needs the owner, each with
// what to do) and the health strip, one line when all is well. Data goes in through textContent.
import { $, h, whenOf } from './format.js';

/** Error codes in a link's reason ("ECONNREFUSED 127.0.0.1:9100") worded; the address stays as an id. */
function detailText(light, t) {
  const d = light.detail;
  if (!d) return null;
  if (d === 'no systemd-timesyncd state') return { words: t('clockNoState') };
  if (d === 'not synchronised yet') return { words: t('clockNotYet') };
  if (d === 'no figures from the tap yet') return { words: t('noTapFigures') };
  if (/^tap silent/.test(d)) return { words: t('tapSilent') };
  // The serial side's own reason when the adapter's device node went away (src/tap/serial-side.ts).
  if (d === 'device node missing') return { words: t('err_ENOENT') };
  const m = /^(E[A-Z]+)\b:?\s*(.*)$/.exec(d);
  if (m) {
    const key = `err_${m[1]}`;
    const words = t(key);
    return words === key ? { raw: d } : { words, raw: m[2] || null };
  }
  return { raw: d };
}

export function renderHealth(health, t) {
  const keys = ['pos', 'printer', 'broker', 'disk', 'clock'];
  const strip = $('health');
  const allOk = keys.every((k) => health[k].level === 'ok');
  strip.classList.toggle('all-ok', allOk);
  if (allOk) {
    strip.replaceChildren(h('li', { class: 'light ok one-line', 'data-check': 'all', title: keys.map((k) => `${t(k)}: ${t(health[k].reason)}`).join(' · ') }, h('span', { class: 'dot' }), h('b', { text: t('allWell') }), h('span', { class: 'why', text: t('allWellDetail') })));
    return;
  }
  strip.replaceChildren(
    ...keys.map((key) => {
      const light = health[key];
      const d = light.level === 'ok' ? null : detailText(light, t);
      const why = h('span', { class: 'why', text: t(light.reason) });
      if (d?.words) why.append(` — ${d.words}`);
      if (d?.raw) why.append(' ', h('code', { 'data-raw': '', text: d.raw }));
      return h('li', { class: `light ${light.level}`, 'data-check': key }, h('span', { class: 'dot' }), h('b', { text: t(key) }), why);
    }),
  );
}

/** alerts: judged by the server (src/web/alerts.ts); today: the store-local day, for dates. */
export function renderAlerts(alerts, { t, lang, today, openDetail }) {
  const list = $('alerts');
  list.hidden = !alerts || alerts.length === 0;
  if (list.hidden) return list.replaceChildren();
  list.replaceChildren(
    h('li', { class: 'alerts-title' }, h('b', { text: t('alertsTitle') })),
    ...alerts.map((a) => {
      const one = a.n === 1 && t(`alert_${a.code}_one`) !== `alert_${a.code}_one`;
      const head = h('b', { text: t(`alert_${a.code}${one ? '_one' : ''}`, { n: a.n ?? '' }) });
      const item = h('li', { class: `alert ${a.level}`, 'data-alert': a.code }, head);
      if (a.receipts) {
        item.append(
          h('span', { class: 'sep', text: lang === 'en' ? ': ' : '：' }),
          ...a.receipts.flatMap((r, i) => [
            i > 0 ? h('span', { class: 'sep', text: lang === 'en' ? ', ' : '、' }) : null,
            h('button', { type: 'button', class: 'link receipt-ref', 'data-raw': '', 'data-id': r.id, onclick: () => openDetail(r.id) }, `${r.receiptNo ?? '—'} (${whenOf(r.time, today)})`),
          ]).filter((x) => x !== null),
        );
      } else if (a.since) item.append(h('small', { class: 'muted', text: ` ${whenOf(a.since, today)}` }));
      item.append(h('p', { class: 'todo', text: t(`alert_${a.code}_do`) }));
      return item;
    }),
  );
}

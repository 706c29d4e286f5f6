// The log view: the box's recent log lines (GET /api/logs, masked by the server), filtered by
// level, and the log level switch (POST /api/log-level: live in both processes until restart).
import { $, h } from './format.js';
import { registerView } from './registry.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
let data = null;

function render(ctx) {
  const { t } = ctx;
  const filter = $('logs-filter');
  const keep = filter.value;
  filter.replaceChildren(h('option', { value: '', text: t('logsAll') }), ...LEVELS.map((l) => h('option', { value: l, text: t(`lvl_${l}`) })));
  filter.value = keep;
  const sw = $('log-level');
  const keepLevel = sw.value || data?.level || '';
  sw.replaceChildren(...LEVELS.map((l) => h('option', { value: l, text: t(`lvl_${l}`) })));
  sw.value = keepLevel;
  if (!data) return;
  $('log-level-now').textContent = t('logLevelNow', { level: t(`lvl_${data.level}`) });
  const out = $('logs-out');
  if (data.lines.length === 0) out.replaceChildren(h('p', { class: 'empty', text: t('logsEmpty') }));
  else out.replaceChildren(h('pre', { class: 'mono log-lines' }, ...data.lines.map((l) => h('span', { class: `log-${l.level}`, 'data-level': l.level, text: `${l.text}\n` }))));
}

async function load(ctx) {
  const level = $('logs-filter').value;
  const lines = $('logs-lines').value || '200';
  data = await ctx.getJson(`/api/logs?lines=${encodeURIComponent(lines)}${level ? `&level=${encodeURIComponent(level)}` : ''}`);
  render(ctx);
  const pre = $('logs-out').querySelector('pre');
  if (pre) pre.scrollTop = pre.scrollHeight;
}

registerView({
  id: 'logs',
  label: 'navLogs',
  section: 'logs-view',
  async show(ctx) {
    await load(ctx);
    $('log-level').value = data?.level ?? 'info';
  },
  render,
  init(ctx) {
    $('logs-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      load(ctx()).catch(() => {});
    });
    $('logs-filter').addEventListener('change', () => load(ctx()).catch(() => {}));
    $('log-level-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const c = ctx();
      const res = await c.api('/api/log-level', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ level: $('log-level').value }) });
      if (res.ok) await load(c);
    });
  },
});

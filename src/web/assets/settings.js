// The settings view: a form generated from the config schema (GET /api/settings), saved with
// POST /api/settings. The server checks the whole file the change would make and answers every
// problem at its key; nothing is written then. Secrets never come to the page: only "set".
import { $, h } from './format.js';
import { SETTING_ZH } from './i18n-settings.js';
import { registerView } from './registry.js';

let view = null; // { file, settings } from the server
let problems = {}; // key -> problem, from the last save
let result = null; // the last save's answer
let pending = {}; // the owner's unsaved edits, kept on the form when a save is refused

const editable = () => Boolean(view?.file) && !view?.notWritable;

function describe(f, ctx) {
  if (ctx.lang === 'en') return f.description;
  return SETTING_ZH[f.key] ?? '';
}

// A problem in the page's language: schema checks by kind; other checks say so, with the box's own words beside.
function problemText(p, ctx) {
  const { t } = ctx;
  const params = p.params ?? {};
  if (ctx.lang === 'en') return p.message.slice(p.message.indexOf(':') + 1).trim();
  if (p.kind === 'enum') return t('err_enum', { list: (params.allowedValues ?? []).join('、') });
  if (p.kind === 'type') return t('err_type', { type: t(`type_${params.type}`) });
  if (['minimum', 'maximum', 'minLength'].includes(p.kind)) return t(`err_${p.kind}`, { limit: params.limit });
  if (['pattern', 'required', 'unknown', 'readonly', 'env'].includes(p.kind)) return t(`err_${p.kind}`);
  for (const [re, key] of CHECKS_ZH) {
    const m = re.exec(p.message);
    if (m) return t(key, { other: m[1] ?? '' });
  }
  return t('err_check');
}

// The start-up checks' messages (src/config/checks.ts) by what they say; other keys inside are ids.
const CHECKS_ZH = [
  [/expected an IANA time zone/, 'chk_zone'],
  [/expected a cron expression/, 'chk_cron'],
  [/expected host:port/, 'chk_hostport'],
  [/expected a host name or IP address/, 'chk_host'],
  [/required when ([\w.]+) is/, 'chk_requiredWhen'],
  [/required with ([\w.]+)/, 'chk_requiredWhen'],
  [/set, but ([\w.]+) is not/, 'chk_needsBoth'],
  [/expected at most ([\w.]+)$/, 'chk_atMost'],
  [/expected a directory|expected a file to append to/, 'chk_path'],
  [/does not belong to the certificate/, 'chk_keyMismatch'],
  [/PEM|cannot read/, 'chk_pem'],
  [/expected a scrypt hash/, 'chk_hash'],
];

function input(f, ctx) {
  const { t } = ctx;
  // data-raw: what the form holds are config values (paths, ids, names), not page words.
  const attrs = { id: `set-${f.key}`, name: f.key, 'data-key': f.key, 'data-raw': '', disabled: f.readonly || !editable() || undefined, 'aria-invalid': problems[f.key] ? 'true' : undefined };
  if (f.secret) return h('input', { ...attrs, type: 'password', autocomplete: 'new-password', placeholder: t(f.set ? 'secretSet' : 'secretUnset') });
  if (f.type === 'boolean' || f.enum) {
    const choices = f.type === 'boolean' ? [true, false] : f.enum;
    const current = Object.hasOwn(pending, f.key) ? (pending[f.key] ?? undefined) : f.set ? f.value : undefined;
    return h(
      'select',
      attrs,
      h('option', { value: '', text: `${t('useDefault')}${f.default === undefined ? '' : ` ${f.type === 'boolean' ? t(f.default ? 'yes' : 'no') : String(f.default)}`}`, selected: current === undefined || undefined }),
      ...choices.map((c) => h('option', { value: String(c), text: f.type === 'boolean' ? t(c ? 'yes' : 'no') : String(c), selected: current === c || undefined })),
    );
  }
  const numeric = f.type === 'integer' || f.type === 'number';
  return h('input', {
    ...attrs,
    type: numeric ? 'number' : 'text',
    step: f.type === 'number' ? 'any' : undefined,
    inputmode: numeric ? 'decimal' : undefined,
    value: Object.hasOwn(pending, f.key) ? String(pending[f.key] ?? '') : f.set && f.value !== undefined && f.value !== null ? String(f.value) : '',
    placeholder: f.default !== undefined && f.default !== '' ? String(f.default) : '',
    autocomplete: 'off',
  });
}

function field(f, ctx) {
  const { t } = ctx;
  const p = problems[f.key];
  return h(
    'div',
    { class: `setting${p ? ' invalid' : ''}`, 'data-setting': f.key },
    h('label', { for: `set-${f.key}` }, h('code', { class: 'key', 'data-raw': '', text: f.key }), h('small', { class: `tag ${f.live ? 'ok' : 'muted'}`, text: t(f.live ? 'liveKey' : 'restartKey') })),
    input(f, ctx),
    describe(f, ctx) ? h('small', { class: 'hint', text: describe(f, ctx) }) : null,
    f.readonly ? h('small', { class: 'hint', text: t('readonlyHint') }) : null,
    f.env ? h('small', { class: 'hint warn-text' }, t('envOverride'), h('code', { 'data-raw': '', text: f.env })) : null,
    p ? h('small', { class: 'error', role: 'alert', 'data-error': f.key, text: problemText(p, ctx) }) : null,
  );
}

function render(ctx) {
  const { t } = ctx;
  const body = $('settings-body');
  if (!view) return;
  $('settings-file').replaceChildren(
    view.file ? h('span', {}, t('settingsFile'), h('code', { 'data-raw': '', text: view.file })) : h('span', { class: 'warn-text', text: t('settingsNoFile') }),
    ...(view.file && view.notWritable ? [h('span', { class: 'warn-text block', 'data-not-writable': '' }, t('settingsReadOnly'), h('code', { 'data-raw': '', text: ` ${view.notWritable}` }))] : []),
  );
  $('settings-save').hidden = !editable();
  $('settings-bar').hidden = !editable();
  $('settings-hint').hidden = !editable();
  const sections = [];
  for (const f of view.settings) {
    let s = sections.find((x) => x.id === f.section);
    if (!s) sections.push((s = { id: f.section, fields: [] }));
    s.fields.push(f);
  }
  body.replaceChildren(...sections.map((s) => h('fieldset', { class: 'card settings-section' }, h('legend', { text: t(`sec_${s.id}`) }), ...s.fields.map((f) => field(f, ctx)))));
  const msg = $('settings-msg');
  msg.className = 'msg';
  if (result === null) msg.textContent = '';
  else if (result.problems) msg.textContent = t('saveFailed', { n: result.problems.length });
  else {
    msg.className = 'msg ok-text';
    const lines = [result.saved ? t('saved', { backup: result.backup ? result.backup.split('/').pop() : '—' }) : t('savedNothing')];
    if (result.restartNeeded?.length) lines.push(t('savedRestart', { keys: result.restartNeeded.join(', ') }));
    if (result.live?.length) lines.push(t('savedLive', { keys: result.live.join(', ') }));
    msg.textContent = lines.join(' · ');
  }
}

// The form's changes against what the file says: an emptied field removes the key (its default applies).
function changes() {
  const out = {};
  for (const f of view.settings) {
    if (f.readonly) continue;
    const el = document.getElementById(`set-${f.key}`);
    if (!el) continue;
    const text = el.value;
    if (f.secret) {
      if (text !== '') out[f.key] = text;
      continue;
    }
    const before = f.set && f.value !== undefined && f.value !== null ? String(f.value) : '';
    if (text === before) continue;
    if (text === '') out[f.key] = null;
    else if (f.type === 'boolean') out[f.key] = text === 'true';
    else if ((f.type === 'integer' || f.type === 'number') && text.trim() !== '' && Number.isFinite(Number(text))) out[f.key] = Number(text);
    else out[f.key] = text;
  }
  return out;
}

async function save(ctx) {
  const msg = $('settings-msg');
  msg.textContent = ctx.t('saving');
  const wanted = changes();
  const res = await ctx.api('/api/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ changes: wanted }) });
  const body = await res.json().catch(() => ({}));
  if (res.status === 400 && Array.isArray(body.problems)) {
    problems = Object.fromEntries(body.problems.map((p) => [p.key, p]));
    result = { problems: body.problems };
    // Secrets are not put back into the form (they would sit in the DOM); the rest are.
    pending = Object.fromEntries(Object.entries(wanted).filter(([k]) => !view.settings.find((f) => f.key === k)?.secret));
    render(ctx);
    document.querySelector('.setting.invalid')?.scrollIntoView({ block: 'center' });
    return;
  }
  if (res.status === 409 && body.error === 'not_writable') {
    view = { ...view, notWritable: body.code };
    render(ctx);
    return;
  }
  if (!res.ok) {
    msg.textContent = ctx.t('failedRequest');
    return;
  }
  problems = {};
  pending = {};
  result = body;
  view = await ctx.getJson('/api/settings');
  render(ctx);
}

registerView({
  id: 'settings',
  label: 'navSettings',
  section: 'settings-view',
  async show(ctx) {
    view = await ctx.getJson('/api/settings');
    problems = {};
    pending = {};
    result = null;
    render(ctx);
  },
  render,
  init(ctx) {
    $('settings-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      save(ctx()).catch(() => {});
    });
  },
});

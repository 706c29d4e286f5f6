// Owner login and first-run setup. startDashboard is called once the box has let us in.
import { $ } from './format.js';

let setupMode = false;

export function setSetupMode(on) {
  setupMode = on;
}

/** Shows the login card; onShow closes what the dashboard holds open (its live stream). */
export function showLogin(t, onShow) {
  onShow();
  for (const id of ['dash', 'logout', 'live', 'foot', 'nav']) $(id).hidden = true;
  for (const el of document.querySelectorAll('.view')) el.hidden = true;
  $('login').hidden = false;
  $('setup-fields').hidden = !setupMode;
  $('login-title').textContent = t(setupMode ? 'setupTitle' : 'loginTitle');
  $('login-title').dataset.i18n = setupMode ? 'setupTitle' : 'loginTitle';
  $('login-submit').textContent = t(setupMode ? 'setup' : 'login');
  $('login-submit').dataset.i18n = setupMode ? 'setup' : 'login';
  $('password').focus();
}

export function initLogin(tOf, startDashboard, onLogout) {
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = tOf();
    const msg = $('login-msg');
    msg.textContent = '';
    const password = $('password').value;
    if (setupMode) {
      if (password.length < 8) return void (msg.textContent = t('tooShort'));
      if (password !== $('password2').value) return void (msg.textContent = t('mismatch'));
    }
    const res = await fetch(setupMode ? '/api/setup' : '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
      credentials: 'same-origin',
    });
    if (res.status === 204) {
      $('password').value = '';
      $('password2').value = '';
      setupMode = false;
      return void startDashboard();
    }
    if (res.status === 429) {
      const body = await res.json().catch(() => ({}));
      msg.textContent = t('tooMany', { s: body.retryAfterSeconds ?? 60 });
    } else if (res.status === 401) msg.textContent = t('wrongPassword');
    else msg.textContent = t('failedRequest');
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
    onLogout();
  });
}

// The shopper page's behaviour: sign-up by fetch (the form also works without script), web push
// subscription with the box's VAPID key, polling the sign-up state, and the category bars.
// No third-party code and no requests outside this server.
(function () {
  'use strict';
  const WORDS = {
    zh: { sending: '正在提交…', push: '浏览器未允许通知，或不支持。', error: '提交失败，请稍后再试。' },
    en: { sending: 'Sending…', push: 'Notifications were not allowed, or are not supported here.', error: 'Could not send; please try again later.' },
  };

  function bars() {
    for (const el of document.querySelectorAll('.barline[data-pct]')) el.style.width = `${Math.min(100, Number(el.dataset.pct) || 0)}%`;
  }

  function poll(el) {
    const url = el.dataset.poll;
    if (!url) return;
    let tries = 0;
    const tick = async () => {
      tries++;
      try {
        const res = await fetch(`${url}?lang=${el.dataset.lang || 'zh'}`, { credentials: 'same-origin' });
        if (res.ok) {
          const s = await res.json();
          el.textContent = s.text;
          el.className = `state state-${s.state}`;
          if (s.state !== 'pending') return;
        }
      } catch {
        /* try again */
      }
      if (tries < 120) setTimeout(tick, tries < 20 ? 500 : 3000);
    };
    if (!el.classList.contains('state-pending')) return;
    setTimeout(tick, 300);
  }

  function keyBytes(b64url) {
    const s = atob(b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }

  async function subscribe(vapid) {
    const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    const existing = await reg.pushManager.getSubscription();
    const sub = existing || (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapid) }));
    return sub.toJSON();
  }

  function signup(form) {
    const lang = form.dataset.lang === 'en' ? 'en' : 'zh';
    const w = WORDS[lang];
    const status = form.querySelector('#status');
    const push = form.querySelector('#push');
    const pushSupported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
    if (push && form.dataset.vapid) {
      document.getElementById(pushSupported ? 'push-row' : 'push-none').hidden = false;
      if (pushSupported) document.getElementById('push-hint').hidden = false;
    }
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const button = form.querySelector('#submit');
      button.disabled = true;
      status.className = 'state state-pending';
      status.textContent = w.sending;
      const data = new FormData(form);
      const body = { csrf: data.get('csrf'), email: data.get('email') || '', kinds: data.getAll('kinds'), consent: data.get('consent') === 'yes' ? 'yes' : '' };
      if (push && push.checked && pushSupported && form.dataset.vapid && data.get('consent') === 'yes') {
        try {
          body.webpush = await subscribe(form.dataset.vapid);
        } catch {
          status.className = 'state state-error';
          status.textContent = w.push;
          if (!body.email) {
            button.disabled = false;
            return;
          }
        }
      }
      try {
        const res = await fetch(form.action, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) });
        const out = await res.json();
        if (!res.ok) {
          status.className = 'state state-error';
          status.textContent = out.message || w.error;
          button.disabled = false;
          return;
        }
        status.className = 'state state-pending';
        status.textContent = out.text;
        status.dataset.poll = '/api/signup';
        status.dataset.lang = lang;
        for (const el of form.querySelectorAll('input, button')) el.disabled = true;
        const link = document.createElement('a');
        link.className = 'button';
        link.id = 'my-month';
        link.href = `/me?lang=${lang}`;
        link.textContent = out.link;
        form.after(link);
        poll(status);
      } catch {
        status.className = 'state state-error';
        status.textContent = w.error;
        button.disabled = false;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    bars();
    const form = document.getElementById('signup');
    if (form) signup(form);
    const status = document.querySelector('#status[data-poll]');
    if (status) poll(status);
  });
})();

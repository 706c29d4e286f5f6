/**
 * The e-mail around an already rendered notification (templates.ts gives title and body): a
 * zh or en text part and an HTML part, each with how to unsubscribe. Pure: data in, strings out.
 * The body is escaped into the HTML, never interpolated as markup.
 */
import type { NotificationLanguage } from './channels.js';

export interface EmailParts {
  subject: string;
  text: string;
  html: string;
}

export interface EmailContext {
  storeName: string;
  /** Where the shopper unsubscribes; null: the mail says to ask at the till. */
  unsubscribeUrl: string | null;
}

const WORDS = {
  zh: {
    why: (store: string) => `您在${store || '本店'}登记了接收此类消息。`,
    unsubscribe: '退订',
    unsubscribeLine: (url: string) => `退订：${url}`,
    unsubscribeAtTill: '如需退订，请在收银台告知店员，或回复本邮件“退订”。',
  },
  en: {
    why: (store: string) => `You signed up for these messages at ${store || 'our shop'}.`,
    unsubscribe: 'Unsubscribe',
    unsubscribeLine: (url: string) => `Unsubscribe: ${url}`,
    unsubscribeAtTill: 'To stop these messages, tell us at the till, or reply to this e-mail with "unsubscribe".',
  },
} as const;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function renderEmail(lang: NotificationLanguage, title: string, body: string, ctx: EmailContext): EmailParts {
  const w = WORDS[lang];
  const footer = [w.why(ctx.storeName), ctx.unsubscribeUrl === null ? w.unsubscribeAtTill : w.unsubscribeLine(ctx.unsubscribeUrl)];
  const text = [title, '', body, '', '--', ...footer, ''].join('\n');
  const paragraphs = body.split('\n').map((l) => (l === '' ? '' : `<p style="margin:0 0 8px">${escapeHtml(l)}</p>`)).filter((p) => p !== '');
  const unsub = ctx.unsubscribeUrl === null
    ? `<p>${escapeHtml(w.unsubscribeAtTill)}</p>`
    : `<p><a href="${escapeHtml(ctx.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5;color:#222;max-width:560px;margin:0 auto;padding:16px">',
    `<h1 style="font-size:18px">${escapeHtml(title)}</h1>`,
    ...paragraphs,
    '<hr style="border:0;border-top:1px solid #ddd;margin:16px 0">',
    `<footer style="font-size:12px;color:#666"><p>${escapeHtml(w.why(ctx.storeName))}</p>${unsub}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: title, text, html };
}

/**
 * The Chinese page's text walk (issue 15): every text node, title, placeholder and aria-label of
 * the document, with the Latin words that are not proper names, units or ids. Text inside
 * pre/.mono/.receipt-text/[data-raw] (receipt text, log lines, config values and paths) is skipped.
 */
import type { Page } from 'playwright-core';

// Words a Chinese page may still show in Latin letters: proper names, units, ids, the language switch.
export const ALLOWED = [/^English$/, /^tillbox$/i, /^scrypt$/, /^systemd-timesyncd$/, /^ESC\/POS$/, /^GB18030$/i, /^(MiB|GiB|KB|ms|s|h|d|%|¥)$/, /^[A-Z]{2,5}$/, /^[a-z]+\.[a-zA-Z.]+$/];

/** Every visible-or-not text node of the document with Latin words that are not allowed. */
export async function englishIn(page: Page): Promise<string[]> {
  const texts = await page.evaluate<string[]>(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (!p || p.closest('script,style,pre,.mono,.receipt-text,[data-raw]')) continue;
      if (n.textContent.trim() !== '') out.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll('[title],[placeholder],[aria-label]')) {
      for (const a of ['title', 'placeholder', 'aria-label']) { const v = el.getAttribute(a); if (v && !el.closest('pre,.mono,[data-raw]')) out.push(v); }
    }
    return out;
  })()`);
  const bad: string[] = [];
  for (const text of texts) {
    const words = text.match(/[A-Za-z][A-Za-z0-9./_-]*/g) ?? [];
    const wrong = words.filter((w) => !ALLOWED.some((re) => re.test(w)));
    if (wrong.length > 0) bad.push(`${wrong.join(',')}  in «${text}»`);
  }
  return bad;
}


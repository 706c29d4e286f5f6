import iconv from 'iconv-lite';

/**
 * Generated receipts in the languages and encodings tills really use, for the text-detection
 * tests and bench/detect-text.ts. Lines are padded by their encoded byte length, which is the
 * printed cell count (a double-byte character takes two cells), so nothing wraps.
 */
export interface Language {
  id: string;
  /** iconv-lite encoding of the text. */
  iconv: string;
  /** What the decoder should report: double-byte encoding, or single-byte ESC t page. */
  expect: { mode: 'double-byte'; encoding: 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr' } | { mode: 'single-byte'; codePage: number };
  shop: string;
  items: string[];
  words: { total: string; cash: string; change: string; thanks: string };
  currency: string;
}

export const LANGUAGES: readonly Language[] = [
  { id: 'zh-gbk', iconv: 'gbk', expect: { mode: 'double-byte', encoding: 'gb18030' }, shop: '联华超市 第018号店', items: ['光明酸奶', '农夫山泉', '康师傅方便面', '金龙鱼大米', '伊利纯牛奶', '土鸡蛋', '青岛啤酒', '可口可乐', '苹果', '香蕉', '全麦面包', '猪肉'], words: { total: '合计', cash: '现金', change: '找零', thanks: '谢谢惠顾' }, currency: '' },
  { id: 'zh-big5', iconv: 'big5', expect: { mode: 'double-byte', encoding: 'big5' }, shop: '全聯福利中心 中山店', items: ['統一鮮奶', '義美餅乾', '維他露', '茶裏王', '蘋果', '香蕉', '麵包', '雞蛋', '台灣啤酒', '豆漿'], words: { total: '合計', cash: '現金', change: '找零', thanks: '謝謝光臨' }, currency: '' },
  { id: 'ja-sjis', iconv: 'shift_jis', expect: { mode: 'double-byte', encoding: 'shift_jis' }, shop: 'ローソン 渋谷店', items: ['おにぎり', '緑茶', '牛乳', '食パン', '幕の内弁当', 'コーヒー', 'サンドイッチ', 'からあげ', 'ビール', 'チョコレート'], words: { total: '合計', cash: 'お預り', change: 'お釣り', thanks: 'ありがとうございました' }, currency: '円' },
  { id: 'ko-euckr', iconv: 'euc-kr', expect: { mode: 'double-byte', encoding: 'euc-kr' }, shop: '이마트 성수점', items: ['서울우유', '신라면', '삼다수', '김밥', '커피', '맥주', '소주', '새우깡', '사과', '바나나'], words: { total: '합계', cash: '현금', change: '거스름돈', thanks: '감사합니다' }, currency: '원' },
  { id: 'de-cp437', iconv: 'cp437', expect: { mode: 'single-byte', codePage: 0 }, shop: 'Bäckerei Müller', items: ['Brötchen', 'Käse', 'Müsli', 'Äpfel', 'Süßigkeiten', 'Weißbier', 'Gemüse', 'Milch', 'Butter'], words: { total: 'Summe', cash: 'Bar', change: 'Rückgeld', thanks: 'Vielen Dank' }, currency: '' },
  { id: 'da-cp850', iconv: 'cp850', expect: { mode: 'single-byte', codePage: 2 }, shop: 'Café Øresund', items: ['Smørrebrød', 'Rødgrød', 'Æbler', 'Kød', 'Øl', 'Fløde', 'Ost', 'Rugbrød'], words: { total: 'I alt', cash: 'Kontant', change: 'Retur', thanks: 'Tak for besøget' }, currency: 'kr' },
  { id: 'fr-cp858', iconv: 'cp858', expect: { mode: 'single-byte', codePage: 19 }, shop: 'Boulangerie Dupré', items: ['Crème brûlée', 'Pâté', 'Café crème', 'Éclair', 'Thé vert', 'Baguette', 'Pain complet'], words: { total: 'Total', cash: 'Espèces', change: 'Rendu', thanks: 'Merci de votre visite' }, currency: '€' },
  { id: 'es-cp1252', iconv: 'windows1252', expect: { mode: 'single-byte', codePage: 16 }, shop: 'Supermercado Peña', items: ['Jamón', 'Piña', 'Café', 'Limón', 'Azúcar', 'Leche', 'Pan', 'Atún'], words: { total: 'Total', cash: 'Efectivo', change: 'Cambio', thanks: '¡Gracias por su compra!' }, currency: '€' },
  { id: 'pl-cp852', iconv: 'cp852', expect: { mode: 'single-byte', codePage: 18 }, shop: 'Sklep Łódź', items: ['Jabłka', 'Masło', 'Śledź', 'Żurek', 'Chleb', 'Mleko', 'Ser żółty', 'Kiełbasa'], words: { total: 'Razem', cash: 'Gotówka', change: 'Reszta', thanks: 'Dziękujemy' }, currency: 'zł' },
  { id: 'ru-cp866', iconv: 'cp866', expect: { mode: 'single-byte', codePage: 17 }, shop: 'Магазин Пятёрочка', items: ['Молоко', 'Хлеб', 'Сыр', 'Яйца', 'Колбаса', 'Чай', 'Сахар', 'Масло'], words: { total: 'Итого', cash: 'Наличные', change: 'Сдача', thanks: 'Спасибо за покупку' }, currency: 'руб' },
  { id: 'th-cp874', iconv: 'cp874', expect: { mode: 'single-byte', codePage: 21 }, shop: 'ร้านสะดวกซื้อ', items: ['นมสด', 'ข้าวสาร', 'น้ำดื่ม', 'ขนมปัง', 'ไข่ไก่', 'กาแฟ', 'เบียร์'], words: { total: 'รวม', cash: 'เงินสด', change: 'เงินทอน', thanks: 'ขอบคุณครับ' }, currency: 'บาท' },
  { id: 'vi-cp1258', iconv: 'windows1258', expect: { mode: 'single-byte', codePage: 52 }, shop: 'Cửa hàng tiện lợi', items: ['Sữa tươi', 'Bánh mì', 'Cà phê', 'Nước suối', 'Gạo', 'Trứng gà', 'Bia'], words: { total: 'Tổng cộng', cash: 'Tiền mặt', change: 'Tiền thối', thanks: 'Cảm ơn quý khách' }, currency: 'đ' },
];

/** Text to bytes; Windows-1258 writes tones as combining marks after a (possibly precomposed) base. */
export function encodeText(text: string, enc: string): Buffer {
  if (enc !== 'windows1258') return iconv.encode(text, enc);
  const parts: Buffer[] = [];
  for (const ch of text.normalize('NFC')) {
    const direct = iconv.encode(ch, enc);
    if (!direct.includes(0x3f) || ch === '?') {
      parts.push(direct);
      continue;
    }
    const [base = '', ...marks] = Array.from(ch.normalize('NFD'));
    // Keep one mark composed when the page has that letter (ư, ơ, â …), the tone combining.
    const k = marks.findIndex((m) => !iconv.encode(`${base}${m}`.normalize('NFC'), enc).includes(0x3f));
    if (k >= 0) parts.push(iconv.encode(`${base}${marks[k] as string}`.normalize('NFC'), enc), iconv.encode(marks.filter((_, j) => j !== k).join(''), enc));
    else parts.push(iconv.encode(base, enc), iconv.encode(marks.join(''), enc));
  }
  return Buffer.concat(parts);
}

export interface ReceiptSpec {
  lang: Language;
  columns: number;
  /** Printed lines, 1..40 (shop, items, total, cash, change, thanks, in that order, cut short). */
  lines: number;
  /** Send FS & (double-byte) or ESC t n (single-byte) after ESC @. */
  modeCommands: boolean;
  seed: number;
}

function padded(left: string, right: string, enc: string, columns: number): string {
  const w = encodeText(left, enc).length + encodeText(right, enc).length;
  return `${left}${' '.repeat(Math.max(1, columns - w))}${right}`;
}

/** One receipt: the bytes and the lines it should decode to. */
export function intlReceipt(spec: ReceiptSpec): { bytes: Buffer; lines: string[] } {
  const { lang, columns } = spec;
  const money = (minor: number): string => `${(minor / 100).toFixed(2)}${lang.currency === '' ? '' : ` ${lang.currency}`}`;
  const lines: string[] = [lang.shop];
  let total = 0;
  const itemLines = Math.max(0, spec.lines - 5);
  for (let i = 0; i < itemLines; i++) {
    const name = lang.items[(spec.seed + i * 7) % lang.items.length] as string;
    const price = 100 + ((spec.seed * 131 + i * 977) % 9000);
    total += price;
    lines.push(padded(`${name} x${1 + (i % 3)}`, money(price), lang.iconv, columns));
  }
  lines.push(padded(lang.words.total, money(total), lang.iconv, columns), padded(lang.words.cash, money(total + 500), lang.iconv, columns), padded(lang.words.change, money(500), lang.iconv, columns), lang.words.thanks);
  const printed = lines.slice(0, spec.lines);
  const head = [0x1b, 0x40];
  if (spec.modeCommands) head.push(...(lang.expect.mode === 'double-byte' ? [0x1c, 0x26] : [0x1b, 0x74, lang.expect.codePage]));
  const bytes = Buffer.concat([Buffer.from(head), ...printed.map((l) => Buffer.concat([encodeText(l, lang.iconv), Buffer.from([0x0a])])), Buffer.from([0x1d, 0x56, 0x42, 0x00])]);
  return { bytes, lines: printed };
}

/** Does a decoded document read as the receipt's lines (Unicode-normalised, trailing blanks ignored)? */
export function readsAs(docLines: readonly { text: string }[], lines: readonly string[]): boolean {
  const got = docLines.map((l) => l.text.trimEnd().normalize('NFC')).filter((l) => l !== '');
  return got.length === lines.length && got.every((l, i) => l === (lines[i] as string).normalize('NFC'));
}

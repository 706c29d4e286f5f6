// The parser and the ledger report a receipt's problems in English (src/receipt/validate.ts,
// src/ledger/ingest.ts); the Chinese page shows them in Chinese. A message without a pattern here
// stays English (tests/web/problems.test.ts checks every message those modules produce has one).
const PROBLEMS_ZH = [
  [/^item (\d+) "(.*)": (.+) × (.+) = (.+), printed (.+)$/, (m) => `第 ${m[1]} 项「${m[2]}」：${m[3]} × ${m[4]} = ${m[5]}，小票上印的是 ${m[6]}`],
  [/^no total found$/, () => '没有找到合计金额'],
  [/^no items found$/, () => '没有找到商品行'],
  [/^items( and discounts)? add up to (.+), total is (.+)$/, (m) => `商品${m[1] ? '和优惠' : ''}加起来是 ${m[2]}，小票合计是 ${m[3]}`],
  [/^subtotal (.+) differs from items (.+)$/, (m) => `小计 ${m[1]} 与商品合计 ${m[2]} 不符`],
  [/^paid (.+) − change (.+) ≠ total (.+)$/, (m) => `实收 ${m[1]} − 找零 ${m[2]} ≠ 合计 ${m[3]}`],
  [/^not a sale document$/, () => '不是销售小票'],
  [/^no items and no total found: a torn receipt, or a layout tillbox cannot read$/, () => '既没有商品也没有合计：可能打印中途缺纸，或是无法识别的小票版式'],
  [/^no receipt or capture time: ingest time used$/, () => '小票和采集记录都没有时间：按入账时间记录'],
  [/^currency (\S+), ledger keeps (\S+)$/, (m) => `币种是 ${m[1]}，账本记的是 ${m[2]}`],
  [/^low confidence$/, () => '识别可信度低'],
];

export function problemText(text, lang) {
  if (lang === 'en') return text;
  for (const [re, zh] of PROBLEMS_ZH) {
    const m = re.exec(text);
    if (m) return zh(m);
  }
  return text;
}


import iconv from 'iconv-lite';

/**
 * The character classes the text detector scores by (detect.ts). For each double-byte encoding a
 * 64 K table says what a byte pair is: not a character, a rare character, a character of the
 * language's common block, or one of its most frequent receipt characters. The common blocks
 * come from how the standards are laid out (GB2312 level 1 = the 3,755 most used hanzi; Big5
 * 0xA440–0xC67E = 5,401 common hanzi; JIS level 1 kanji and the kana rows; the 2,350 KS X 1001
 * hangul); the frequent sets are short hand-written lists of everyday and receipt characters.
 */
export type DetectEncoding = 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr';
export const DETECT_ENCODINGS: readonly DetectEncoding[] = ['gb18030', 'big5', 'shift_jis', 'euc-kr'];

export const CLASS_INVALID = 0;
export const CLASS_OTHER = 1;
export const CLASS_COMMON = 2;
export const CLASS_TOP = 3;

const RECEIPT_ZH =
  '合计总计小计数量单价金额现金找零收银会员小票谢谢惠顾欢迎光临商品名称日期时间店号元折扣优惠应收实收支付微信宝银行卡积分余额交易流水编码规格条码件个瓶包袋盒斤千克公份杯台桌服务员结账打印欢迎再次退货换顾客电话地址超市便利' +
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东海口使西再平真世气信北少关并内加化由代产入先山五水万市' +
  '奶酸牛肉鸡鸭鱼蛋菜米面油盐糖茶酒饮料水果苹香蕉橙梨葡萄瓜豆腐饼干面包饭粥汤鲜冻炒烤红绿白黑黄大中小特价促销满减赠送';
const RECEIPT_ZH_TW =
  '合計總計小計數量單價金額現金找零收銀會員發票統一編號謝謝光臨歡迎商品名稱日期時間店號元折扣優惠應收實收支付信用卡悠遊積分點交易明細稅額品項價格退貨換杯瓶包盒個份台北門市服務員' +
  '的一是不了人我在有他這中大來上國個到說們為子和你地出道也時年得就那要下以生會自著去之過家學對可裡後小麼心多天而能好都然沒日於起還發成事只作當想看文無開手十用主行方又如前所本見經頭面公同三已老從動兩長知民樣現分將外但身些與高意進把法此實回二理美點月明其種聲全工己話兒者向情部正名定女問力機給等幾很業最間新什打便位因重被走電四第門相次東海口使西再平真世氣信北少關並內加化由代產入先山五水萬' +
  '奶酸牛肉雞鴨魚蛋菜米麵油鹽糖茶酒飲料水果蘋香蕉橙梨葡萄瓜豆腐餅乾麵包飯粥湯鮮凍炒烤紅綠白黑黃大中小特價促銷';
const RECEIPT_JA =
  'あいうえおかがきぎくぐけげこごさざしじすずせぜそぞただちっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろわをん' +
  'アイウエオカガキギクグケゲコゴサザシジスズセゼソゾタダチッツテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロワヲンー' +
  '合計小税込抜円点数量現金預釣領収書様日時店番号品名値引割商内外対象軽減率消費年月御買上等個本袋杯会員登録担当者電話売場取扱新規明細交通系合算' +
  '日一人年大十二本中長出三時行見月後前生五間上東四今金九入学高円子外八六下来気小七山話女北午百書先名川千水半男西電校語土木聞食車何南万毎白天母火右読友左休父雨' +
  '牛乳肉魚野菜米酒茶弁当飲料果物卵豆腐麺飯菓子';
const RECEIPT_KO =
  '합계금액수량단가현금카드영수증감사합니다부가세과면품명번호매출결제승인거스름돈할인포인트적립잔액공급가액점포판매일시개봉컵병팩우유라면커피물빵김치밥고기과자사탕맥주소주' +
  '이다는에의가을를하고지기한로사서도수자시대인어나정일부전주리아적해보제상여게장계위성구만원것들그우리내않있없되했그러면요때문더년후또오월중화신용회총받은내역번호담당';

function setOf(s: string): Set<string> {
  return new Set(Array.from(s));
}
const TOP: Record<DetectEncoding, Set<string>> = {
  gb18030: setOf(RECEIPT_ZH),
  big5: setOf(RECEIPT_ZH_TW),
  shift_jis: setOf(RECEIPT_JA),
  'euc-kr': setOf(RECEIPT_KO),
};

const ICONV: Record<DetectEncoding, string> = { gb18030: 'gbk', big5: 'big5', shift_jis: 'shift_jis', 'euc-kr': 'cp949' };

const between = (x: number, lo: number, hi: number): boolean => x >= lo && x <= hi;

/** Is the pair in the language's common block (by the standard's own layout)? */
function common(enc: DetectEncoding, b0: number, b1: number): boolean {
  const code = (b0 << 8) | b1;
  switch (enc) {
    case 'gb18030': // GB2312 symbols rows 1–3 and level-1 hanzi 0xB0A1–0xD7F9
      return between(b1, 0xa1, 0xfe) && (between(b0, 0xa1, 0xa3) || between(b0, 0xb0, 0xd6) || (b0 === 0xd7 && b1 <= 0xf9));
    case 'big5': // symbols 0xA140–0xA3BF, common hanzi 0xA440–0xC67E
      return between(code, 0xa140, 0xa3bf) || between(code, 0xa440, 0xc67e);
    case 'shift_jis': // row-1 symbols, full-width alphanumerics, kana, JIS level-1 kanji 0x889F–0x9872
      return b0 === 0x81 || b0 === 0x82 || between(code, 0x8340, 0x8396) || between(code, 0x889f, 0x9872);
    case 'euc-kr': // symbols row 1, full-width ASCII row 3, the 2,350 hangul 0xB0A1–0xC8FE
      return between(b1, 0xa1, 0xfe) && (b0 === 0xa1 || b0 === 0xa3 || between(b0, 0xb0, 0xc8));
  }
}

export interface ClassTable {
  /** Class of the pair (lead << 8 | trail). */
  pairs: Uint8Array;
  /** Number of pairs in the common block and in the frequent set (for per-character probabilities). */
  commonSize: number;
  topSize: number;
}

const tables = new Map<DetectEncoding, ClassTable>();

/** Built once per encoding, a row of pairs per iconv call (pairs separated by LF, which no trail byte can be). */
export function classTable(enc: DetectEncoding): ClassTable {
  const cached = tables.get(enc);
  if (cached !== undefined) return cached;
  const pairs = new Uint8Array(65536);
  let commonSize = 0;
  let topSize = 0;
  const row = Buffer.alloc(191 * 3);
  for (let b0 = 0x81; b0 <= 0xfe; b0++) {
    if (enc === 'shift_jis' && between(b0, 0xa0, 0xdf)) continue; // one-byte katakana, never a lead
    for (let k = 0; k < 191; k++) {
      row[k * 3] = b0;
      row[k * 3 + 1] = 0x40 + k;
      row[k * 3 + 2] = 0x0a;
    }
    const pieces = iconv.decode(row, ICONV[enc]).split('\n');
    for (let k = 0; k < 191; k++) {
      const ch = pieces[k] ?? '';
      const cp = ch.codePointAt(0) ?? 0xfffd;
      const single = ch.length > 0 && ch.length === (cp > 0xffff ? 2 : 1);
      if (!single || cp === 0xfffd || between(cp, 0xe000, 0xf8ff)) continue;
      const b1 = 0x40 + k;
      let cls = CLASS_OTHER;
      if (common(enc, b0, b1)) {
        cls = CLASS_COMMON;
        commonSize++;
      }
      if (TOP[enc].has(ch)) {
        cls = CLASS_TOP;
        topSize++;
      }
      pairs[(b0 << 8) | b1] = cls;
    }
  }
  const t = { pairs, commonSize: Math.max(1, commonSize - topSize), topSize: Math.max(1, topSize) };
  tables.set(enc, t);
  return t;
}

/** Letters of each script a single-byte code page is chosen for. */
const WESTERN = 'àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝœŒ';
const CENTRAL = 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻčďěňřšťůžČĎĚŇŘŠŤŮŽáéíóúýÁÉÍÓÚÝőűŐŰäöüÄÖÜßĺľŕĹĽŔăâîșțşţĂÂÎȘȚŞŢ';
const VIET = 'àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ\u0300\u0301\u0303\u0309\u0323';
/** Symbols a receipt prints in any language: currencies, degree, fractions, multiplication, no-break space. */
export const RECEIPT_SYMBOLS = setOf('€£¥¢°±×÷½¼¾µ§©®·ªº¡¿«»\u00a0฿₫₽₩');

export type Script = 'latin' | 'central' | 'cyrillic' | 'thai' | 'vietnamese';

export function isScriptLetter(script: Script, ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  switch (script) {
    case 'latin':
      return WESTERN.includes(ch);
    case 'central':
      return CENTRAL.includes(ch);
    case 'cyrillic':
      return between(cp, 0x400, 0x4ff);
    case 'thai':
      return between(cp, 0xe01, 0xe5b);
    case 'vietnamese':
      return VIET.includes(ch);
  }
}

/**
 * Approximate letter frequencies of Thai text (per cent, from well-known counts: า น ร อ ก lead),
 * so a byte run reads as Thai only when its letters are the ones Thai actually uses most.
 */
const THAI_FREQ: readonly [string, number][] = [
  ['า', 8], ['น', 7], ['ร', 6.5], ['อ', 5.5], ['ก', 5.5], ['เ', 5], ['่', 5], ['ม', 4], ['ง', 4], ['ย', 3.5], ['ว', 3.5], ['ด', 3], ['้', 3], ['ั', 3],
  ['ล', 2.8], ['ต', 2.7], ['ท', 2.5], ['ส', 2.5], ['ิ', 2.5], ['ี', 2], ['ะ', 2], ['บ', 2], ['ข', 1.7], ['ค', 1.7], ['ห', 1.7], ['ป', 1.6], ['แ', 1.5],
  ['จ', 1.5], ['พ', 1.3], ['ไ', 1.3], ['ช', 1.2], ['ใ', 1], ['็', 1], ['ุ', 1], ['ู', 0.8], ['ำ', 0.8], ['ถ', 0.7], ['ื', 0.7], ['ผ', 0.6], ['โ', 0.6],
  ['์', 0.6], ['ึ', 0.5], ['ศ', 0.5], ['ซ', 0.5], ['ภ', 0.4], ['ธ', 0.4], ['ณ', 0.3], ['ญ', 0.3], ['ฟ', 0.3], ['ษ', 0.2], ['ฝ', 0.2], ['ฉ', 0.2], ['๊', 0.2],
];
const THAI = new Map(THAI_FREQ.map(([c, f]) => [c, f / 100]));

/** Share of Thai text that is this character (rare letters, digits and signs: 0.05 %). */
export function thaiFrequency(ch: string): number {
  return THAI.get(ch) ?? 0.0005;
}

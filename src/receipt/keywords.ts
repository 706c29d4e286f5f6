/**
 * Keyword tables for the heuristic parser: Chinese, English, Malay, German and French. Rules are
 * tried in order and the first match names the line's role, so the narrow phrases ("subtotal",
 * "total qty", "total tax") come before the broad ones ("total"). Matching runs on the normalised,
 * lower-cased line; spaces are optional inside phrases because OCR and narrow printers drop them.
 */
export type LineRole =
  | 'count' // total qty / item count: a number that is not money
  | 'subtotal'
  | 'tax'
  | 'service'
  | 'rounding'
  | 'change'
  | 'due' // the amount due, strongest total signal
  | 'total'
  | 'tendered'
  | 'discount'
  | 'ignore'; // lines with amounts that are none of the above (points, balances, savings)

const b = String.raw`(?<![a-z\u00e0-\u00ff])`; // start-of-word boundary (latin letters)
const e = String.raw`(?![a-z\u00e0-\u00ff])`;

export const ROLE_RULES: readonly (readonly [LineRole, RegExp])[] = [
  ['change', new RegExp(`${b}(change(\\s*due)?|baki|kembalian|wang\\s*baki|r(ü|ue|u)ckgeld|wechselgeld|zur(ü|ue)ck|rendu|monnaie|(à|a)\\s*rendre|cash\\s*back)${e}|找零|找赎|找回|找续`)],
  ['count', new RegExp(`${b}(total\\s*(qty|quantity|items?|pcs|units)|(total\\s*)?number\\s*of\\s*items?|no\\.?\\s*of\\s*items?|items?\\s*\\(?s?\\)?\\s*[:：]|qty\\s*\\(?s?\\)?\\s*[:：]|item\\s*count|anzahl|nombre\\s*d.?articles|jumlah\\s*(kuantiti|barang|item))|件数|总数量|数量合计|商品数|品项数|总件数`)],
  ['ignore', /reg(ular)?\s*price|price\s*before|orig(inal)?\s*price|积分|points?\b|pts\b|punkte|mata\s*ganjaran|余额|balance\s*(remaining|left)|prev(ious)?\s*bal|you\s*saved|total\s*sav|saving|ersparnis|économie|节省|已优惠/],
  ['subtotal', new RegExp(`sub\\s*[-.]?\\s*tot(al)?|${b}(sub\\s*ttl|zwischensumme|sous\\s*-?\\s*total|jumlah\\s*kecil|taxable\\s*(amount|amt)|total\\s*(before|excl?\\.?|excluding|sales\\s*\\(?excl)|net\\s*ttl|nett?o\\s*(betrag|summe)|total\\s*ht${e}|montant\\s*ht${e})|小计|小計`)],
  ['tax', /^\W*(total\s*)?(includes|included)\b|^\W*(total\s*)?(includes|included)|^\W*incl(\.|uding|usive)?\s*(of)?\s*(gst|vat|tax|mwst|tva)/],
  ['due', new RegExp(`${b}(amount\\s*due|balance\\s*due|total\\s*due|due\\s*amount|amount\\s*payable|total\\s*payable|payable\\s*amount|grand\\s*total|net\\s*amount|nett\\s*amount|total\\s*to\\s*pay|to\\s*pay|pay\\s*this\\s*amount|payment\\s*due|bal\\.?\\s*due|(amount\\s*)?to\\s*be\\s*paid|amount\\s*to\\s*pay|total\\s*with\\s*(gst|tax|vat)|(amt|amount)\\s*(paid\\s*)?incl|amt\\s*due|rechnungsbetrag|gesamtsumme|endsumme|total\\s*rounded|rounded\\s*total|total\\s*(amt|amount)\\s*(rounded|incl)|total[^0-9]{0,24}?(incl?\\.?|inc|including|inclusive|inkl\\.?|after\\s*(adj|round)|atter\\s*adj)|due|total\\s*ttc|net\\s*(à|a)\\s*payer|(à|a)\\s*payer|montant\\s*(dû|du|ttc|total)|zu\\s*zahlen|endbetrag|gesamtbetrag|jumlah\\s*(besar|bersih|perlu\\s*dibayar|keseluruhan|bayaran)|total\\s*sales?\\s*\\(?incl)|应收|應收|应付|應付|实付金额|应收金额|总计|總計`)],
  ['tax', new RegExp(`(sales|eat-?\\s*in|food|state|city|local|govt|service)\\s*tax${e}|${b}(total\\s*(gst|tax|vat|sst|mwst|tva)|(gst|vat|sst|mwst|ust|tva|tax|taxe|cukai)${e}|tax\\s*\\d|\\d+(\\.\\d+)?\\s*%\\s*(gst|vat|tax|mwst|tva)|steuer)|税额|税金|增值税`)],
  ['service', new RegExp(`${b}(service\\s*(charge|chg)|svc|serv\\.?\\s*ch|tip|gratuity|trinkgeld|pourboire|caj\\s*perkhidmatan)${e}|服务费|茶位费`)],
  ['rounding', new RegExp(`${b}(round(ing)?(\\s*adj(ustment)?)?|rnd\\s*adj|adj(ustment)?\\s*round|pembundaran|rundung|arrondi)|抹零|舍入|尾数|去零`)],
  ['tendered', new RegExp(`${b}(accepted(\\s*total)?|cash(?!ier)|tunai|bar(geld|zahlung|gegeben)?|gegeben|esp(è|e)ces|tendered|tender|paid|payment|pay|visa|master\\s*card|mastercard|master|amex|credit|debit|eftpos|kredit|carte|cb|ec\\s*-?\\s*karte|girocard|card|kad|cheque|check|voucher|gift\\s*card|bezahlt|pay(é|e)|reçu|recu|dibayar|bayaran)${e}|现金|實收|实收|收款|付款|已付|支付|刷卡|银行卡|銀聯|银联|微信|支付宝|储值卡|购物卡|礼券|实付|收现|收银`)],
  ['discount', new RegExp(`${b}(discount|disc|diskaun|rabatt|nachlass|remise|r(é|e)duction|coupon|cpn|promo(tion)?|markdown|less|offer|deal)${e}|折扣|优惠|減免|减免|折让|让利|立减|满减|券`)],
  ['total', new RegExp(`(order|check|bill|invoice|receipt|final|sales?|food|eat-?\\s*in|take-?\\s*away|take-?\\s*out|to-?\\s*go|dine-?\\s*in)\\s*total|total\\s*(aed|usd|eur|gbp|jod|myr|sgd|chf|cad|aud|nzd|hkd|inr|rm|idr|thb|php)|total\\s*purchase|${b}(saldo|total|totale(euro|eur)?|net\\s*total|nett\\s*total|ttl|tot|amount|amt|jumlah|summe|gesamt|betrag|montant|somme|net)${e}|合计|合計|总额|总金额|消费合计|金额合计|共计`)],
];

/**
 * The role of a line, from its normalised lower-case text. A count phrase sharing a line with a
 * money label ("QTY : 1   TOTAL RM : 11.60") gives way to the money label.
 */
export function lineRole(lower: string): LineRole | null {
  for (const [role, re] of ROLE_RULES) {
    if (!re.test(lower)) continue;
    if (role === 'count' && /\d[.,]\d{2}/.test(lower)) {
      const rest = lineRole(lower.replace(re, ' '));
      if (rest !== null && rest !== 'count' && rest !== 'ignore') return rest;
    }
    return role;
  }
  return null;
}

/** Words of the column-header line above an item table. */
export const ITEM_HEADER_RE = /品名|商品|菜品|名称|货号|数量|单价|金额|小计|规格|\b(desc(ription)?|item|items|qty|quantity|price|unit|amt|amount|artikel|menge|preis|betrag|d(é|e)signation|qt(é|e)|prix|montant|barang|kuantiti|harga|jumlah)\b/i;

/** Lines that end the header and are never items (address, contact, registration numbers). */
export const HEADER_NOISE_RE = /\b(tel|phone|fax|gst\s*(reg|id|no)|reg\.?\s*no|co\.?\s*reg|company\s*reg|sst\s*(id|reg)|abn|vat\s*(reg|no|number)|ust-?id|siret|tva\s*intra|invoice\s*no|receipt\s*no|bill\s*no|cashier|server|table|guests?|station|order\s*#|terminal|www\.|https?:|e-?mail)\b|电话|電話|地址|收银员|收銀員|服务员|桌号|税号/i;

/** Document markers. */
export const REPRINT_RE = /重打印|重印|补打|補打|重新打印|再打印|\b(re-?print(ed)?|duplicate|duplicata|kopie|copie|salinan|cetakan\s*semula)\b/i;
/** "COPY" alone means a reprint; "customer copy" / "merchant copy" are card-slip parts. */
export const COPY_RE = /(^|[^a-z])(receipt\s*)?copy(\s*receipt)?([^a-z]|$)/i;
export const SLIP_COPY_RE = /(customer|merchant|cardholder|card\s*holder|store|shop|bank|account|office|cashier|client|kunden|company|member)(['’]?s)?\s*copy/i;
export const REFUND_RE = /退货|退貨|退款|退单|\b(refund(ed)?|return(s|ed)?\s*(receipt|slip|note|item)?|returned|credit\s*note|r(ü|ue)ckgabe|erstattung|gutschrift|rembourse?ment|retour|avoir|bayaran\s*balik|pemulangan)\b/i;
export const NOT_RETURNABLE_RE = /\(\s*0\s*\)|(returned|returns?|refunds?)\s*:?\s*0(?!\d)|not\s*(be\s*)?(returnable|refundable|exchangeable)|no\s*(cash\s*)?(refunds?|returns?)|applicable\s*returns?|exchange|within|allowed|policy|may\s*be|non\s*-?\s*refundable|returns?\s*(policy|within)|tidak\s*boleh|non\s*rembours|keine\s*r(ü|ue)ckgabe|refund\s*policy/i;
export const VOID_RE = /作废|作廢|取消交易|交易取消|撤销|\b(void(ed)?|cancel+ed|cancel+ation|storno|storniert|annul(é|e|ation)|batal)\b/i;
export const OTHER_RE = /交班|班结|交接班|日结|厨房|厨打|后厨|优惠券|代金券|\b(shift\s*(report|end|close)|x\s*-?\s*report|z\s*-?\s*report|end\s*of\s*day|kitchen|order\s*ticket|coupon\s*(code|voucher)?\s*$|voucher\s*$|kassenbericht|tagesabschluss|rapport\s*z|cuisine|bon\s*de\s*commande)\b/i;

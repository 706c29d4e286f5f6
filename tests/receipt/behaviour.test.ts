import { describe, expect, it } from 'vitest';
import { parseLines, row } from './helpers.js';
import { needsReview, UNREADABLE } from '../../src/receipt/validate.js';

// Receipts written for these tests (not corpus data): a small Chinese supermarket and an English shop.
const sale = [
  '      好邻居超市（东门店）',
  '门店: 001  收银台: 03  收银员: 李娜',
  '单号: 20261123-0042',
  '日期: 2026-11-23 10:15:32',
  '会员卡号: 8800 1234 56',
  '----------------------------------------',
  '品名            数量      单价      金额',
  '----------------------------------------',
  '光明酸奶           2      5.80     11.60',
  '全麦面包           1     12.50     12.50',
  '----------------------------------------',
  row('合计:', '24.10'),
  row('应收:', '24.10'),
  row('现金:', '50.00'),
  row('找零:', '25.90'),
  '本次积分: 24',
];

describe('a plain sale', () => {
  const r = parseLines(sale);
  it('reads header, items, total, payments and member', () => {
    expect(r.kind).toBe('sale');
    expect(r.store).toBe('好邻居超市(东门店)');
    expect(r.till).toBe('03');
    expect(r.receiptNo).toBe('20261123-0042');
    expect(r.time).toBe('2026-11-23T10:15:32+08:00');
    expect(r.member).toBe('8800123456');
    expect(r.items).toEqual([
      { sku: null, name: '光明酸奶', qty: 2, unitPrice: 580, amount: 1160 },
      { sku: null, name: '全麦面包', qty: 1, unitPrice: 1250, amount: 1250 },
    ]);
    expect(r.total).toBe(2410);
    expect(r.payments).toEqual([{ method: 'cash', amount: 5000 }]);
    expect(r.change).toBe(2590);
    expect(r.check).toEqual({ itemsMatchTotal: true, confidence: 0.9, problems: [] });
  });
  it('takes the amount due, never the cash tendered or the change, as the total', () => {
    expect(r.total).not.toBe(5000);
    expect(r.total).not.toBe(2590);
  });
  it('gives the same id to the same receipt parsed twice, and a different one to another receipt', () => {
    expect(parseLines(sale).id).toBe(r.id);
    const other = parseLines(sale.map((l) => l.replace('0042', '0043')));
    expect(other.id).not.toBe(r.id);
  });
});

describe('reprints', () => {
  it('marks 重打印 / REPRINT / COPY as reprint with the same id as the original', () => {
    const original = parseLines(sale);
    for (const marker of ['      *** 重打印 ***', '        REPRINT', '         COPY']) {
      const reprint = parseLines([sale[0] ?? '', marker, ...sale.slice(1)]);
      expect(reprint.kind).toBe('reprint');
      expect(reprint.id).toBe(original.id);
      expect(reprint.total).toBe(original.total);
    }
  });
  it('does not take a card slip "CUSTOMER COPY" or an item named "P.COPY" for a reprint', () => {
    expect(parseLines([...sale, '     CUSTOMER COPY']).kind).toBe('sale');
    expect(parseLines([...sale, "     CUSTOMER'S COPY"]).kind).toBe('sale');
    expect(parseLines(['STATIONERY SHOP', "70G P.COPY 450'S", '  1 X 12.90   12.90', row('TOTAL', '12.90')]).kind).toBe('sale');
  });
});

describe('refunds and voids', () => {
  it('reads a refund slip as negative amounts', () => {
    const r = parseLines([
      '      好邻居超市（东门店）',
      '        *** 退货单 ***',
      '单号: 20261123-0050',
      '日期: 2026-11-23 11:00:00',
      '品名            数量      单价      金额',
      '光明酸奶           1      5.80     -5.80',
      row('合计:', '-5.80'),
      row('退款(现金):', '-5.80'),
    ]);
    expect(r.kind).toBe('refund');
    expect(r.total).toBe(-580);
    expect(r.items[0]?.amount).toBe(-580);
    expect(r.check.itemsMatchTotal).toBe(true);
  });
  it('makes a refund printed with positive figures negative, and says why in --explain', () => {
    const lines = ['SHOP ONE', 'REFUND', row('Socks', '4.00'), row('TOTAL', '4.00')];
    const r = parseLines(lines);
    expect(r.kind).toBe('refund');
    expect(r.total).toBe(-400);
    expect(r.items.map((i) => i.amount)).toEqual([-400]);
  });
  it('does not take "no refunds" or "goods sold are not returnable" for a refund', () => {
    const r = parseLines(['SHOP ONE', row('Socks', '4.00'), row('TOTAL', '4.00'), 'GOODS SOLD ARE NOT RETURNABLE', 'STRICTLY NO CASH REFUND']);
    expect(r.kind).toBe('sale');
    expect(r.total).toBe(400);
  });
  it('takes VOID inside the item list as a voided line, not a voided receipt', () => {
    expect(parseLines(['SHOP ONE', row('Socks', '4.00'), row('Hat', '9.00'), '   VOID', row('TOTAL', '4.00')]).kind).toBe('sale');
  });
  it('marks a voided transaction', () => {
    expect(parseLines(['SHOP ONE', '*** VOID ***', row('Socks', '4.00'), row('TOTAL', '4.00')]).kind).toBe('void');
    expect(parseLines(['好邻居超市', '交易作废', row('酸奶', '5.80'), row('合计:', '5.80')]).kind).toBe('void');
  });
});

describe('items', () => {
  it('reads weight items (qty in kg, unit price per kg) and checks qty × unit within a cent', () => {
    const r = parseLines(['FRESH MARKET', 'Bananas', '  0.456 kg x 5.99   2.73', 'Tomatoes', '  1.5kg @ 12.80   19.20', row('TOTAL', '21.93')]);
    expect(r.items).toEqual([
      { sku: null, name: 'Bananas', qty: 0.456, unitPrice: 599, amount: 273 },
      { sku: null, name: 'Tomatoes', qty: 1.5, unitPrice: 1280, amount: 1920 },
    ]);
    expect(r.check.itemsMatchTotal).toBe(true);
    expect(r.check.problems).toEqual([]);
  });
  it('reads two-line items: name, then barcode / qty / price / amount', () => {
    const r = parseLines([
      '好邻居超市',
      '品名            数量      单价      金额',
      '伊利纯牛奶250ml',
      '6907992500133      3      3.50     10.50',
      '西红柿',
      '2000001000017  0.850      6.98      5.93',
      row('合计:', '16.43'),
    ]);
    expect(r.items).toEqual([
      { sku: '6907992500133', name: '伊利纯牛奶250ml', qty: 3, unitPrice: 350, amount: 1050 },
      { sku: '2000001000017', name: '西红柿', qty: 0.85, unitPrice: 698, amount: 593 },
    ]);
    expect(r.total).toBe(1643);
  });
  it('reads discounts as negative adjustments and checks items − discounts = total', () => {
    const r = parseLines(['CORNER SHOP', row('Coffee beans 1kg', '24.00'), row('Milk', '3.20'), row('  MEMBER DISC 10%', '-2.40'), row('TOTAL', '24.80'), row('CASH', '30.00'), row('CHANGE', '5.20')]);
    expect(r.items.map((i) => i.amount)).toEqual([2400, 320]);
    expect(r.discounts).toEqual([{ name: 'MEMBER DISC 10%', amount: -240 }]);
    expect(r.total).toBe(2480);
    expect(r.check.itemsMatchTotal).toBe(true);
  });
  it('flags a receipt whose items do not add up, and keeps what was printed', () => {
    const r = parseLines(['CORNER SHOP', row('Tea', '3.00'), row('Cake', '4.50'), row('TOTAL', '8.00')]);
    expect(r.total).toBe(800);
    expect(r.items.map((i) => i.amount)).toEqual([300, 450]);
    expect(r.check.itemsMatchTotal).toBe(false);
    expect(r.check.problems).toContain('items add up to 7.50, total is 8.00');
    expect(r.check.confidence).toBeLessThan(0.7);
  });
  it('flags qty × unit price that does not equal the amount', () => {
    const r = parseLines(['CORNER SHOP', 'Tea  2 x 3.00  7.00', row('TOTAL', '7.00')]);
    expect(r.items[0]).toMatchObject({ qty: 2, unitPrice: 300, amount: 700 });
    expect(r.check.problems.some((p) => p.includes('2 × 3.00 = 6.00, printed 7.00'))).toBe(true);
  });
});

describe('totals', () => {
  it('prefers the rounded total printed after a rounding adjustment', () => {
    const r = parseLines(['KEDAI RUNCIT MAJU', row('Roti', '3.20'), row('Susu', '4.53'), row('TOTAL', '7.73'), row('ROUNDING ADJ', '-0.03'), row('TOTAL ROUNDED', '7.70'), row('TUNAI', '10.00'), row('BAKI', '2.30')], { dateOrder: 'DMY' });
    expect(r.total).toBe(770);
    expect(r.rounding).toBe(-3);
    expect(r.check.itemsMatchTotal).toBe(true);
  });
  it('understands German and French summary words', () => {
    const de = parseLines(['BÄCKEREI SONNE', row('Brezel', '1,20'), row('Kaffee', '2,80'), row('SUMME EUR', '4,00'), row('BAR', '5,00'), row('RÜCKGELD', '1,00'), '23.11.2026 08:12'], { dateOrder: 'DMY' });
    expect(de.total).toBe(400);
    expect(de.change).toBe(100);
    expect(de.date).toBe('2026-11-23');
    const fr = parseLines(['BOULANGERIE DU COIN', row('Croissant', '1,10'), row('Baguette', '1,30'), row('TOTAL TTC', '2,40'), row('ESPÈCES', '5,00'), row('RENDU', '2,60')], { dateOrder: 'DMY' });
    expect(fr.total).toBe(240);
    expect(fr.payments).toEqual([{ method: 'cash', amount: 500 }]);
  });
});

describe('members', () => {
  it('normalises member ids and phones and leaves anonymous baskets null', () => {
    expect(parseLines(['SHOP', 'Member No: 8800-1234-56', row('TOTAL', '1.00')]).member).toBe('8800123456');
    expect(parseLines(['超市', '会员号：13812345678', row('合计:', '1.00')]).member).toBe('13812345678');
    expect(parseLines(['SHOP', 'VIP: a1234567', row('TOTAL', '1.00')]).member).toBe('A1234567');
    expect(parseLines(['SHOP', row('TOTAL', '1.00')]).member).toBeNull();
  });
  it('does not take a payment card number for a member id', () => {
    expect(parseLines(['SHOP', row('TOTAL', '1.00'), row('VISA', '1.00'), 'CARD NO: ************1234', 'APPROVAL CODE 123456']).member).toBeNull();
  });
});

describe('documents that are not sales', () => {
  it('classifies a shift report and a kitchen ticket as other', () => {
    const shift = parseLines(['好邻居超市', '交班报表', '收银员: 李娜', '现金: 1200.00', '微信: 800.50', '笔数: 57']);
    expect(shift.kind).toBe('other');
    const kitchen = parseLines(['KITCHEN', 'Table 12', '2 x Fried rice', '1 x Soup']);
    expect(kitchen.kind).toBe('other');
    expect(kitchen.check.itemsMatchTotal).toBe(false);
    expect(needsReview(shift)).toBe(false);
    expect(needsReview(kitchen)).toBe(false);
  });
  it('keeps a document with neither items nor total nor a non-sale marker up for review (paper out mid-receipt)', () => {
    const torn = parseLines(['鲜丰超市', '单号: 20261123-00100017', '日期: 2026-11-23 08:17:00', '品名        数量   单价   金额', '光明酸奶', '6901209205422']);
    expect(torn.kind).toBe('other');
    expect(torn.check.problems).toEqual([UNREADABLE]);
    expect(needsReview(torn)).toBe(true);
  });
});

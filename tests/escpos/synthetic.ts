import iconv from 'iconv-lite';
import { EscPosBuilder } from '../../src/escpos/encoder.js';

/** A seeded PRNG (xorshift32) so failures reproduce. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** A receipt exercising most command families: styles, CJK, positions, codes, images, display, cut. */
export function syntheticReceipt(n: number): Buffer {
  const b = new EscPosBuilder('gb18030').init().raw([0x1c, 0x26]).align('center').size(2, 2).bold(true).line(`超市 ${n} 号店`).size(1, 1).bold(false);
  b.rasterImage(128, 24).align('left').tabStops([20, 32]);
  for (let i = 0; i < 6; i++) {
    b.text(`光明酸奶${i}`).tab().text(`${i + 1}`).tab().text(`${(5.8 * (i + 1)).toFixed(2)}`).newline();
  }
  b.raw([0x1b, 0x74, 16]).raw([0x1c, 0x2e]).text('Total ').raw(iconv.encode('€', 'windows1252')).absolutePosition(400).line(`${n}.00`).raw([0x1c, 0x26]);
  b.display(['TOTAL', `${n}.00`]).barcode('EAN13', '690123456789').qr(`https://t.example/${n}`).realtimeDrawerKick();
  return b.feed(3).cut({ partial: true, feed: 2 }).drawerKick().toBuffer();
}

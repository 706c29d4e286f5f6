import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/decoder.js';
import { cropSignal, serialise, uart } from '../../src/linedetect/bitstream.js';
import { judgeBytes } from '../../src/linedetect/detect-bytes.js';
import { detectLine } from '../../src/linedetect/detect-line.js';
import { guessPaper } from '../../src/linedetect/paper.js';
import { byteStats, classifySide } from '../../src/linedetect/plausibility.js';
import { sampleReceipt, sampleTraffic } from '../../src/linedetect/sample.js';
import { parseFraming, settingLabel, type LineSetting } from '../../src/linedetect/settings.js';

const setting = (baudRate: number, framing: string): LineSetting => ({ baudRate, ...(parseFraming(framing) as Omit<LineSetting, 'baudRate'>) });

describe('bit stream model', () => {
  it('a receiver at the sender setting reads every byte back with no errors, despite a 1.5 % clock error', () => {
    const bytes = sampleTraffic(1, 600, { columns: 42, text: 'gbk' });
    for (const s of [setting(9600, '8N1'), setting(115200, '8N2'), setting(1200, '8E1')]) {
      const r = uart(serialise(bytes, s, { clockError: -0.015 }), s);
      expect({ framing: r.framingErrors, parity: r.parityErrors }).toEqual({ framing: 0, parity: 0 });
      expect(Buffer.from(r.bytes).equals(bytes)).toBe(true);
    }
  });

  it('a 7-bit line drops bit 7, and an 8N1 receiver reads its parity bit as bit 7', () => {
    const bytes = Buffer.from('ABC', 'latin1');
    const r = uart(serialise(bytes, setting(9600, '7E1')), setting(9600, '8N1'));
    // A=0x41 (2 ones: parity 0), B=0x42 (2: 0), C=0x43 (3 ones: parity 1 -> 0xC3).
    expect([...r.bytes]).toEqual([0x41, 0x42, 0xc3]);
    expect(r.framingErrors).toBe(0);
  });

  it('a wrong rate shows as framing errors, and back-to-back 8N1 fails a strict 8N2 reading', () => {
    const bytes = sampleTraffic(2, 400, { columns: 32, text: 'ascii' });
    const wrong = uart(serialise(bytes, setting(9600, '8N1')), setting(19200, '8N1'));
    expect(wrong.framingErrors / wrong.frames).toBeGreaterThan(0.1);
    const strict = uart(serialise(bytes, setting(9600, '8N1')), setting(9600, '8N2'));
    expect(strict.framingErrors / strict.frames).toBeGreaterThan(0.5);
  });
});

describe('line settings detection over re-sampled bit streams (reduced matrix)', () => {
  const bauds = [1200, 9600, 38400, 115200];
  const framings = ['7E1', '7O1', '8N1', '8N2', '8E1'];
  for (const baud of bauds) {
    for (const f of framings) {
      it(`picks ${baud} ${f} from 512 bytes of till traffic`, () => {
        const truth = setting(baud, f);
        const bytes = sampleTraffic(baud + f.length, 512, { columns: 48, text: truth.dataBits === 7 ? 'ascii' : 'cp858' }).subarray(0, 512);
        const d = detectLine(serialise(bytes, truth, { clockError: 0.01 }));
        expect(d.best?.label).toBe(settingLabel(truth));
        expect(d.evidence[0]).toMatch(new RegExp(`^${baud} ${f}: \\d+ characters, 0 framing and 0 parity errors`));
      });
    }
  }

  it('a capture that starts in the middle of a character is still read right', () => {
    for (const [baud, f] of [[2400, '8N2'], [9600, '7E1'], [57600, '8N1']] as const) {
      const truth = setting(baud, f);
      const sig = serialise(sampleTraffic(baud, 256, { columns: 32, text: 'ascii' }).subarray(0, 256), truth, { clockError: -0.01 });
      expect(detectLine(cropSignal(sig, (sig.edges[3] ?? 0) + 1)).best?.label).toBe(settingLabel(truth));
    }
  });

  it('says it cannot decide when no setting reads the line cleanly', () => {
    // A 7200-baud line is not a candidate: every candidate reading has errors.
    const d = detectLine(serialise(sampleTraffic(3, 400, { columns: 32, text: 'ascii' }), setting(7200, '8N1')));
    expect(d.best).toBeNull();
    expect(d.confidence).toBe('unsure');
  });
});

describe('bytes alone, at the configured setting', () => {
  const at9600 = setting(9600, '8N1');
  const readAt9600 = (truth: LineSetting, seed = 4) => uart(serialise(sampleTraffic(seed, 3000, { columns: 42, text: 'ascii' }), truth, { clockError: 0.01 }), at9600).bytes;

  it('clean ESC/POS confirms the configured rate and says what bytes cannot tell', () => {
    const v = judgeBytes(readAt9600(at9600), at9600);
    expect(v.verdict).toBe('clean');
    expect(v.evidence.join('\n')).toMatch(/cannot tell 1 from 2 stop bits/);
  });

  it('a 7E1 line read as 8N1 is recognised by its parity in bit 7', () => {
    const v = judgeBytes(readAt9600(setting(9600, '7E1')), at9600);
    expect(v).toMatchObject({ verdict: 'seven-bit', proposed: setting(9600, '7E1') });
  });

  it('garbage from a wrong rate is called a wrong rate, with a guess', () => {
    for (const baud of [2400, 19200, 57600]) {
      const v = judgeBytes(readAt9600(setting(baud, '8N1')), at9600);
      expect(v.verdict).toBe('wrong-rate');
      expect(v.proposed?.baudRate).toBe(baud);
    }
  });
});

describe('paper width, sides', () => {
  it('from GS W when the till sends it, else from the longest lines', () => {
    const withW = sampleReceipt(1, { columns: 32, items: 3, text: 'ascii', printWidthDots: 576 });
    const stats = byteStats(withW);
    expect(stats.printWidths).toEqual([576]);
    expect(guessPaper(decodeAll(withW, { columns: 96 }), stats.printWidths, 48)).toMatchObject({ columns: 48, paper: '80 mm' });
    const narrow = sampleReceipt(2, { columns: 32, items: 6, text: 'ascii' });
    const docs = decodeAll(narrow, { columns: 96 }).map((d) => ({ ...d, lines: d.lines.map((l) => ({ ...l, text: l.align === 'left' ? l.text.trimEnd() : l.text.trim() })) }));
    expect(guessPaper(docs, [], 48)).toMatchObject({ columns: 32, paper: '58 mm' });
  });

  it('the POS side sends ESC/POS; the printer side only short status bytes', () => {
    expect(classifySide(sampleReceipt(3, { columns: 42, items: 4, text: 'ascii' })).side).toBe('pos');
    expect(classifySide(Uint8Array.from([0x12, 0x16, 0x12, 0x00, 0x0f])).side).toBe('printer');
    expect(classifySide(new Uint8Array(0)).side).toBe('silent');
  });
});

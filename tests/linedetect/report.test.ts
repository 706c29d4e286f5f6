import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { detectReport, formatReport, type DetectInput } from '../../src/linedetect/report.js';
import { sampleTraffic } from '../../src/linedetect/sample.js';
import type { TextDetector } from '../../src/linedetect/text-mode.js';

const base: DetectInput = {
  source: 'listen',
  configured: { baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 },
  pos: sampleTraffic(11, 3000, { columns: 48, text: 'gbk', dateOrder: 'DMY' }),
  printer: Uint8Array.from([0x12, 0x12, 0x16]),
  decoder: { encoding: 'gb18030', columns: 48 },
};

const yamlOf = (text: string): Record<string, Record<string, unknown>> => parseYaml(text.slice(text.indexOf('# tillbox doctor --detect: paste'))) as Record<string, Record<string, unknown>>;

describe('doctor --detect report', () => {
  it('without a text detector: the configured reading, and no encoding keys in the YAML', () => {
    const r = detectReport(base);
    expect(r.text).toMatchObject({ mode: 'double-byte', encoding: 'gb18030', confidence: null });
    const y = yamlOf(r.yaml);
    expect(y['pos']).toMatchObject({ baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(y['decoder']).toEqual({ columns: 48 });
    expect(y['parser']).toEqual({ dateOrder: 'DMY' });
  });

  it('a text detector plugged in decides mode and encoding, and the YAML carries them', () => {
    const seen: number[] = [];
    const detectText: TextDetector = (bytes) => {
      seen.push(bytes.length);
      return { mode: 'double-byte', encoding: 'big5', codePage: 0, confidence: 0.93, evidence: ['92 % of high bytes form Big5 pairs'] };
    };
    const r = detectReport({ ...base, detectText });
    expect(seen).toEqual([base.pos.length]);
    expect(yamlOf(r.yaml)['decoder']).toMatchObject({ startInDoubleByte: true, encoding: 'big5', codePage: 0 });
    expect(formatReport(r, { ...base, detectText }, [])).toMatch(/printer text: double-byte, big5, code page 0 \(confidence 0\.93\)\n {4}- 92 % of high bytes form Big5 pairs/);
  });

  it('says the ports are swapped when pos.path hears status bytes and printer.path hears receipts', () => {
    const r = detectReport({ ...base, pos: base.printer, printer: base.pos });
    expect(r.sides.swapped).toBe(true);
    expect(formatReport(r, base, [])).toMatch(/sides: SWAPPED: swap pos.path and printer.path/);
  });

  it('with no unambiguous date and nothing learned, leaves the date order at auto', () => {
    const r = detectReport({ ...base, pos: new Uint8Array(0) });
    expect(r.dateOrder.order).toBeNull();
    expect(yamlOf(r.yaml)['parser']).toEqual({ dateOrder: 'auto' });
    expect(r.line.verdict).toBe('too-little');
  });
});

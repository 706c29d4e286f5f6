import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromObject, loadConfig } from '../../src/config/load.js';
import { isTillboxError } from '../../src/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('fills every default when the file is empty', () => {
    const c = configFromObject({});
    expect(c.store).toEqual({ id: 'store-001', name: '', timezone: 'Asia/Shanghai', currency: 'CNY' });
    expect(c.pos.baudRate).toBe(9600);
    expect(c.printer.flowControl).toBe('none');
    expect(c.decoder).toMatchObject({ encoding: 'auto', startInDoubleByte: 'auto', codePage: 'auto' });
    expect(c.sync.member).toBe('none');
    expect(c.mqtt).toBeUndefined();
  });

  it('decoder text settings: auto by default, the old booleans and numbers still accepted as overrides (issue 11)', () => {
    const old = configFromObject({ decoder: { encoding: 'euc-kr', startInDoubleByte: true, codePage: 16 } });
    expect(old.decoder).toMatchObject({ encoding: 'euc-kr', startInDoubleByte: 'true', codePage: '16' });
    const env = configFromObject({}, { TILLBOX_DECODER_STARTINDOUBLEBYTE: 'false', TILLBOX_DECODER_CODEPAGE: '2' });
    expect(env.decoder).toMatchObject({ startInDoubleByte: 'false', codePage: '2' });
    expect(() => configFromObject({ decoder: { startInDoubleByte: 'maybe' } })).toThrow(/decoder\.startInDoubleByte/);
    expect(() => configFromObject({ decoder: { codePage: 256 } })).toThrow(/decoder\.codePage/);
  });

  it('reports every problem at once, each naming its key path and what was expected', () => {
    const problems = problemsOf(() =>
      configFromObject({ pos: { baudRate: 'fast', baud: 9600 }, store: { currency: 'yuan' }, sync: { member: 'pseudonym' } }),
    );
    expect(problems).toContain('pos.baud: unknown key');
    expect(problems).toContain('store.currency: expected text matching ^[A-Z]{3}$');
    expect(problems.filter((p) => p.startsWith('pos.baudRate:'))).toHaveLength(1);
    expect(problems.some((p) => p.startsWith('sync.pseudonymKey: required'))).toBe(true);
    expect(problems).toHaveLength(4);
  });

  it('applies TILLBOX_* overrides by key path, case-insensitively, with type coercion', () => {
    const c = configFromObject(
      { web: { port: 8080 } },
      { TILLBOX_WEB_PORT: '9001', TILLBOX_PRINTER_BAUDRATE: '115200', TILLBOX_DATADIR: '/tmp/x', TILLBOX_MQTT_URL: 'mqtt://127.0.0.1:1883', PATH: '/bin' },
    );
    expect(c.web.port).toBe(9001);
    expect(c.printer.baudRate).toBe(115200);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.mqtt?.url).toBe('mqtt://127.0.0.1:1883');
    expect(c.mqtt?.protocolVersion).toBe(5);
  });

  it('names an environment variable that matches no key', () => {
    expect(problemsOf(() => configFromObject({}, { TILLBOX_POS_SPEED: '9600' }))).toEqual(['TILLBOX_POS_SPEED: no such config key (environment variable)']);
  });

  it('rejects a bad value coming from the environment with the key path', () => {
    expect(problemsOf(() => configFromObject({}, { TILLBOX_WEB_PORT: 'eighty' }))).toEqual(['web.port: expected integer']);
  });

  it('freezes the result so no module can change it behind the others', () => {
    const c = configFromObject({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.pos)).toBe(true);
  });

  it('says where a YAML syntax error is', () => {
    const file = join(tmp.dir, 'broken.yaml');
    writeFileSync(file, 'store:\n  id: [unclosed\npos: {}\n');
    try {
      loadConfig(file);
      expect.unreachable();
    } catch (err) {
      expect(isTillboxError(err, 'TBX_CONFIG_UNREADABLE')).toBe(true);
      expect((err as Error).message).toMatch(/broken\.yaml: not valid YAML at line \d+/);
    }
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig(join(tmp.dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read config file \(ENOENT\)/);
  });

  it('reads a valid file', () => {
    const file = join(tmp.dir, 'ok.yaml');
    writeFileSync(file, 'store: { id: shop-7, timezone: Europe/Berlin, currency: EUR }\npos: { path: /dev/ttyUSB0, baudRate: 19200 }\n');
    const c = loadConfig(file);
    expect(c.store.id).toBe('shop-7');
    expect(c.pos.path).toBe('/dev/ttyUSB0');
    expect(c.pos.baudRate).toBe(19200);
    expect(c.printer.path).toBe('/dev/tillbox-printer');
  });
});

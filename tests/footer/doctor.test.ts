import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir('tbx-footer-doctor-');
afterAll(tmp.cleanup);

async function doctor(footer: object): Promise<string> {
  const file = join(tmp.dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify({ dataDir: tmp.dir, footer }));
  return (await tillbox(['doctor', '--config', file])).out;
}

describe('tillbox doctor: footer checks', () => {
  it('says footers are off by default, and checks the rules file and the QR when on', async () => {
    expect(await doctor({})).toMatch(/ok\s+footer\s+off \(footer\.enabled is false\)/);
    const good = join(tmp.dir, 'rules.yaml');
    writeFileSync(good, 'rules:\n  - id: a\n    if: { spend: 50 }\n    print: hi\n');
    const bad = join(tmp.dir, 'bad.yaml');
    writeFileSync(bad, 'rules:\n  - id: a\n');
    const on = await doctor({ enabled: true, rulesFile: good });
    expect(on).toMatch(/ok\s+footer\s+on: a cut waits at most 150 ms/);
    expect(on).toMatch(/ok\s+footer rules\s+.*rules\.yaml: 1 rule\n/);
    expect(on).toMatch(/warn\s+footer qr\s+no footer\.qr\.url/);
    expect(await doctor({ dryRun: true, rulesFile: bad })).toMatch(/FAIL\s+footer rules\s+.*bad\.yaml: rules\[0\]\.if: give at least one.*\[TBX_CONFIG_INVALID\]/);
  });
});

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../support/corpus.js';
import { tempDir } from '../support/tmp.js';

const FW = resolve(import.meta.dirname, '..', '..', 'firmware-config');

function verify(dir: string, unit: string): Promise<{ code: number; stderr: string }> {
  return new Promise((res) => {
    execFile('systemd-analyze', ['verify', join(dir, unit)], (err, _stdout, stderr) => res({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stderr }));
  });
}

describe.skipIf(!toolAvailable('/usr/bin/systemd-analyze'))('firmware-config gadget units', () => {
  it('pass systemd-analyze verify (script path pointed at this checkout) and read the identity without executing it', async () => {
    const t = tempDir('tbx-gadget-unit-');
    try {
      const service = readFileSync(join(FW, 'tillbox-gadget.service'), 'utf8');
      expect(service).toMatch(/^EnvironmentFile=\/var\/lib\/tillbox\/usb-gadget\.env$/m);
      expect(service).not.toMatch(/\. \/var\/lib|source /);
      writeFileSync(join(t.dir, 'tillbox-gadget.service'), service.replaceAll('/usr/share/tillbox/tillbox-gadget.sh', join(FW, 'tillbox-gadget.sh')).replace(/^ConditionPathExists=.*$/m, ''));
      writeFileSync(join(t.dir, 'tillbox-gadget.path'), readFileSync(join(FW, 'tillbox-gadget.path'), 'utf8'));
      for (const unit of ['tillbox-gadget.service', 'tillbox-gadget.path']) {
        const r = await verify(t.dir, unit);
        expect(r.stderr.split('\n').filter((l) => l.includes('tillbox-gadget')), unit).toEqual([]);
      }
    } finally {
      t.cleanup();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { toolAvailable } from '../support/corpus.js';
import { freePort, tempDir } from '../support/tmp.js';
import { CLI } from '../tap/daemon-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function doctor(config: object): { code: number | null; out: string } {
  const file = join(tmp.dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(config));
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--config', file], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('tillbox doctor: broker and profile checks', () => {
  it('fails on a profile name that does not exist, and tillbox run refuses to start with exit 2', () => {
    const r = doctor({ parser: { profile: 'no-such-layout' }, dataDir: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/FAIL\s+profiles\s+config: parser.profile: expected auto, none or one of .*cn-supermarket.*got "no-such-layout"/);
    const file = join(tmp.dir, 'bad-profile.yaml');
    writeFileSync(file, stringify({ parser: { profile: 'no-such-layout' }, dataDir: tmp.dir }));
    const run = spawnSync(process.execPath, [CLI, 'run', '--config', file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe.runIf(toolAvailable(MOSQUITTO))('with a real broker', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => broker?.close());

    it('reports a reachable broker as ok and an unreachable one as a failure', async () => {
      const ok = doctor({ mqtt: { url: broker.url }, dataDir: tmp.dir });
      expect(ok.out).toMatch(/ok\s+broker/);
      const dead = doctor({ mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` }, dataDir: tmp.dir });
      expect(dead.out).toMatch(/FAIL\s+broker/);
      expect(dead.code).toBe(2);
    });
  });
});

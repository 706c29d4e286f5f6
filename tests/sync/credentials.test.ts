/**
 * Username/password against a broker that requires them (a private mosquitto with a password
 * file and anonymous access off), with the password from the environment as installers are told.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import { checkBroker } from '../../src/sync/index.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir } from '../support/tmp.js';

const PASSWD = '/usr/bin/mosquitto_passwd';

describe.runIf(toolAvailable(MOSQUITTO) && toolAvailable(PASSWD))('broker credentials', () => {
  const tmp = tempDir();
  let broker: Mosquitto;

  beforeAll(async () => {
    const file = join(tmp.dir, 'passwd');
    execFileSync(PASSWD, ['-b', '-c', file, 'box-01', 's3cret-pass']);
    broker = await startMosquitto(['allow_anonymous false', `password_file ${file}`]);
  });
  afterAll(async () => {
    await broker?.close();
    tmp.cleanup();
  });

  const config = (env: Record<string, string>) => configFromObject({ mqtt: { url: broker.url, username: 'box-01' } }, env);

  it('connects with the password from TILLBOX_MQTT_PASSWORD', async () => {
    const r = await checkBroker(config({ TILLBOX_MQTT_PASSWORD: 's3cret-pass' }), { timeoutMs: 5000 });
    expect(r.ok).toBe(true);
  });

  it('is refused with a wrong password or none, and says so without printing the password', async () => {
    const wrong = await checkBroker(config({ TILLBOX_MQTT_PASSWORD: 'guess-1234' }), { timeoutMs: 5000 });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error).toMatch(/not authori[sz]ed|bad user ?name or password|connection refused/i);
      expect(wrong.error).not.toContain('guess-1234');
    }
    const none = await checkBroker(config({}), { timeoutMs: 5000 });
    expect(none.ok).toBe(false);
  });
});

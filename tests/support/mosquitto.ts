import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, tempDir, waitFor } from './tmp.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * A private mosquitto on a free loopback port, with its own config and persistence directory.
 * `stop()` sends SIGTERM (mosquitto saves its persistence file on the way out), `restart()`
 * starts it again on the same port with the same state, `close()` stops it and removes the dir.
 */
export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startMosquitto(extraConfig: string[] = []): Promise<Mosquitto> {
  const port = await freePort();
  const { dir, cleanup } = tempDir('tillbox-mosquitto-');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      // The tests park tens of thousands of QoS 1 messages for offline subscribers.
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest none',
      // mosquitto started as root drops to user "mosquitto", which cannot write our 0700 temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      ...extraConfig,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    child = proc;
    await waitFor(async () => {
      if (exited) throw new Error(`mosquitto exited at start: ${stderr}`);
      return accepts(port);
    }, 10_000, 25);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      cleanup();
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

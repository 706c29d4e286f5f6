import { connect, type Socket } from 'node:net';

/**
 * The demo's simulated cash register: a TCP client that prints to the tap's POS-side listener
 * the way a POS prints to a network printer (one connection per job, like most POS drivers),
 * paced at a serial line's speed so the stream looks like a real till's.
 */
export async function printJob(host: string, port: number, bytes: Uint8Array, bytesPerSecond = 0): Promise<void> {
  const socket: Socket = connect({ host, port });
  // Settles when the connection fails or goes away, whenever that happens: a daemon that stops
  // mid-job must end the job with an error, not leave it waiting for a 'drain' or 'finish' that
  // never comes (the demo hung like that when its daemon was stopped under it).
  const gone = new Promise<never>((_, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`${host}:${port} closed the connection`)));
  });
  gone.catch(() => undefined); // raced below; never an unhandled rejection
  try {
    await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), gone]);
    const chunk = bytesPerSecond > 0 ? Math.max(1, Math.round(bytesPerSecond / 50)) : bytes.length;
    for (let i = 0; i < bytes.length; i += chunk) {
      if (!socket.write(bytes.subarray(i, i + chunk))) await Promise.race([new Promise((r) => socket.once('drain', r)), gone]);
      if (bytesPerSecond > 0) await Promise.race([new Promise((r) => setTimeout(r, (chunk / bytesPerSecond) * 1000)), gone]);
    }
    await Promise.race([new Promise<void>((resolve) => socket.end(() => resolve())), gone]);
  } finally {
    socket.destroy();
  }
}

/** Waits until something accepts TCP connections on host:port. */
export async function waitForListener(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { createServer, type Server, type Socket } from 'node:net';

/**
 * A simulated network receipt printer for the demo: accepts print jobs on a TCP port, counts
 * what it "prints", and answers real-time status requests (DLE EOT n) the way an idle, healthy
 * Epson-compatible printer does, so the tap's printer→POS direction carries real bytes.
 */
export interface SimPrinter {
  port: number;
  bytesPrinted(): number;
  close(): Promise<void>;
}

// DLE EOT n status bytes of an online printer with paper and the cover closed (ESC/POS spec: bit 1 and 4 fixed high).
const STATUS_REPLY: Record<number, number> = { 1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12 };

export async function startSimPrinter(host = '127.0.0.1', port = 0): Promise<SimPrinter> {
  let printed = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    // DLE EOT n may straddle chunks: a three-state matcher carried across 'data' events.
    let state: 0 | 1 | 2 = 0;
    socket.on('data', (chunk: Buffer) => {
      printed += chunk.length;
      for (const b of chunk) {
        if (state === 2) {
          const reply = STATUS_REPLY[b];
          if (reply !== undefined) socket.write(Buffer.from([reply]));
          state = 0;
        } else if (state === 1) state = b === 0x04 ? 2 : b === 0x10 ? 1 : 0;
        else if (b === 0x10) state = 1;
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : port,
    bytesPrinted: () => printed,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

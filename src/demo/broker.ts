import { createServer, type Server } from 'node:net';
import { optionalMissing } from '../optional-dep.js';

/** The demo's embedded MQTT broker (aedes) on loopback, used when no broker is configured. */
export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  // aedes is an optional dependency: only the demo embeds a broker.
  const { Aedes } = await import('aedes').catch(optionalMissing('aedes', 'tillbox demo (its embedded MQTT broker)'));
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

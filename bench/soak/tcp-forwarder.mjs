// The TCP soak's "trivial forwarder" baseline: the least a Node process can do between a POS and a
// network printer (accept, connect, pipe both ways, nothing else). node tcp-forwarder.mjs LISTEN PRINTER
import { connect, createServer } from 'node:net';

const [, , listen, printer] = process.argv;
createServer({ noDelay: true }, (pos) => {
  const up = connect({ host: '127.0.0.1', port: Number(printer), noDelay: true });
  pos.pipe(up).pipe(pos);
  pos.on('error', () => up.destroy());
  up.on('error', () => pos.destroy());
}).listen(Number(listen), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

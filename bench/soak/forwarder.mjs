// The soak's "trivial forwarder" baseline: the least a Node process can do between two serial
// ports (read, write, nothing else), so the tap's cost can be told apart from Node's own.
import { SerialPort } from 'serialport';

const [, , from, to, baud] = process.argv;
const open = (path) => new SerialPort({ path, baudRate: Number(baud), lock: false, hupcl: false });
const a = open(from);
const b = open(to);
a.on('data', (d) => b.write(d));
b.on('data', (d) => a.write(d));
process.on('SIGTERM', () => process.exit(0));

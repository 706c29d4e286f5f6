import { constants, open, read } from 'node:fs';
import { promisify } from 'node:util';
import { LinuxPortBinding, type BindingInterface, type LinuxOpenOptions } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';

const openAsync = promisify(open);
const readAsync = promisify(read);

/** Consecutive read EIOs taken as usblp's transient read errors (about 1 s), then a loss. */
const READ_EIO_RETRIES = 50;
const READ_EIO_PAUSE_MS = 20;

/**
 * A USB printer character device as a serialport stream, so a USB side runs through the same
 * SerialSide (loss, reopen, back-pressure) and SerialTap as a serial one: `/dev/usb/lp*` (kernel
 * usblp) on the printer side, `/dev/g_printer*` (the USB printer gadget) on the POS side.
 *
 * Neither is a tty, so serialport's own open (termios, flock) cannot be used. The device is opened
 * O_NONBLOCK and driven by the bindings' poller (uv_poll on the fd: both drivers implement poll),
 * exactly like serialport drives a tty: reads and writes never park a libuv threadpool thread,
 * and a write the device cannot take yet waits for POLLOUT. Exclusivity comes from the drivers
 * (usblp and g_printer both refuse a second open with EBUSY), not from flock.
 */
/** fs.read, promisified; replaceable so the tests can play usblp's EIO and EINVAL replies. */
export type ReadFn = (fd: number, buffer: Buffer, offset: number, length: number, position: null) => Promise<{ bytesRead: number }>;

export class CharDevicePort extends LinuxPortBinding {
  private readonly readFn: ReadFn;
  /** Set when the device has no read channel (a unidirectional printer: usblp read is EINVAL). */
  private noRead = false;
  private zeroReads = 0;
  private readErrors = 0;
  private parked: (() => void) | undefined;

  constructor(fd: number, options: Required<LinuxOpenOptions>, readFn: ReadFn = readAsync) {
    super(fd, options);
    this.readFn = readFn;
  }

  override async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    for (;;) {
      const fd = this.fd;
      if (fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
      if (this.noRead) {
        // Park this read until the port closes: writes go on.
        await new Promise<void>((_resolve, reject) => {
          this.parked = () => reject(Object.assign(new Error('Canceled'), { canceled: true }));
        });
        continue;
      }
      try {
        const { bytesRead } = await this.readFn(fd, buffer, offset, length, null);
        if (bytesRead > 0) {
          this.zeroReads = 0;
          this.readErrors = 0;
          return { buffer, bytesRead };
        }
        // A zero-length read: a zero-length packet from usblp, or a hung-up pty in the tests.
        // Neither carries data; a second one in a row waits a little so a hang-up cannot spin
        // the loop while SerialSide's node watch notices the device is gone.
        if (++this.zeroReads > 1) await new Promise((r) => setTimeout(r, 10));
        await this.readable();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') {
          await this.readable();
        } else if (code === 'EINVAL') {
          // usblp: "if (!usblp->bidir) return -EINVAL" — the printer has no status channel.
          this.noRead = true;
        } else if (code === 'EIO' && ++this.readErrors <= READ_EIO_RETRIES) {
          // usblp returns EIO for a failed read URB and resubmits it ("applications loop in order
          // to get the new read going", drivers/usb/class/usblp.c): not a loss. An unplug shows
          // as ENODEV or a vanished node (SerialSide's watch), and a persistent EIO gives up.
          await new Promise((r) => setTimeout(r, READ_EIO_PAUSE_MS));
        } else throw err;
      }
    }
  }

  override async close(): Promise<void> {
    this.parked?.();
    await super.close();
  }

  private readable(): Promise<void> {
    return new Promise((resolve, reject) => this.poller.once('readable', (err) => (err ? reject(err) : resolve())));
  }

  // Line settings and modem lines do not exist on a USB printer channel: accepted and ignored.
  override async update(): Promise<void> {}
  override async set(): Promise<void> {}
  override async get(): Promise<{ cts: boolean; dsr: boolean; dcd: boolean; lowLatency: boolean }> {
    return { cts: true, dsr: true, dcd: true, lowLatency: false };
  }
  override async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  override async flush(): Promise<void> {}
  override async drain(): Promise<void> {}
}

export const CHAR_DEVICE_DEFAULTS: Required<LinuxOpenOptions> = {
  path: '', baudRate: 9600, dataBits: 8, lock: false, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: false, vmin: 1, vtime: 0,
};

export const charDeviceBinding: BindingInterface<CharDevicePort, LinuxOpenOptions> = {
  list: async () => [],
  async open(options) {
    const fd = await openAsync(options.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    return new CharDevicePort(fd, { ...CHAR_DEVICE_DEFAULTS, ...options });
  },
};

/** A closed stream over a USB printer character device; `open()` it like a SerialPort. */
export function charDevicePort(path: string): SerialPortStream {
  // baudRate is required by the stream's option check and means nothing here.
  return new SerialPortStream({ binding: charDeviceBinding, path, baudRate: 9600, autoOpen: false });
}

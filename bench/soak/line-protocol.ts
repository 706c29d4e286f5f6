/**
 * What the soak harness and its line process (bench/soak/line.ts) say to each other over IPC.
 * The line process owns the till's writer and every printer-side reader, so their timing is not
 * disturbed by the harness's own work (page poller, head office, fault scheduler). Times are
 * process.hrtime in ms: libuv reads CLOCK_MONOTONIC, one clock for every process on the machine
 * (checked at start-up: see LineClient.start and tests/soak/rig.test.ts).
 */

/** One end-to-end link as the line process sees it. */
export type LineLink =
  | { name: string; mode: 'serial'; pos: string; printer: string }
  /** posPort: where the till connects (the tap's pos.listen, a forwarder, or the printer itself); printerPort: the printer listener the line process owns (0: none, the till connects to another link's). */
  | { name: string; mode: 'tcp'; posPort: number; printerPort: number };

export type ToLine =
  | { type: 'open'; links: LineLink[]; baud: number; gapMs: number }
  | { type: 'ping' }
  | { type: 'receipt'; bytes: Uint8Array }
  /** No more receipts: answer with 'result' once the last is written (`drop`: the queued ones are not printed, and the pause after a receipt is cut short). */
  | { type: 'end'; drop?: boolean }
  /** Cable pulled (serial: close the end so the pair can be killed; TCP: drop the connection, or stop listening). */
  | { type: 'pos-down' | 'pos-up' | 'printer-down' | 'printer-up'; link: string };

export interface LineChunk {
  /** hrtime ms of the write */
  t: number;
  start: number;
  end: number;
}

export interface LineReceipt {
  start: number;
  end: number;
  writeStart: number;
  writeEnd: number;
}

export type FromLine =
  | { type: 'opened' }
  | { type: 'pong'; hr: number }
  /** a pos-/printer-down or -up has been carried out */
  | { type: 'done'; link: string; side: 'pos' | 'printer' }
  | { type: 'printed'; n: number }
  | {
      type: 'result';
      chunks: LineChunk[];
      receipts: LineReceipt[];
      sent: Uint8Array;
      writeErrors: number;
      /** per link name: arrivals at the printer end, hrtime ms and end offset of each in `bytes` */
      arrivals: Record<string, { t: number[]; ends: number[]; bytes: Uint8Array }>;
    }
  | { type: 'error'; message: string };

export const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * The last lines a process logged, kept in memory for the owner's log view: a pino destination
 * that keeps at most LOG_RING_LINES lines and LOG_RING_BYTES bytes (oldest dropped first). It
 * holds pino's JSON lines as written, so redaction has already happened; the page masks again.
 */
export const LOG_RING_LINES = 2000;
export const LOG_RING_BYTES = 1024 * 1024;
/** A single record longer than this is kept as its head only (stdout still gets it whole). */
export const LOG_RING_MAX_LINE = 8 * 1024;

export class LogRing {
  readonly #lines: string[] = [];
  #bytes = 0;
  /** Lines ever written: a reader can ask for what came after the count it last saw. */
  #count = 0;

  constructor(
    private readonly maxLines = LOG_RING_LINES,
    private readonly maxBytes = LOG_RING_BYTES,
  ) {}

  /** pino calls this with one or more newline-terminated records. */
  write(chunk: string): void {
    for (const raw of chunk.split('\n')) {
      if (raw === '') continue;
      this.push(raw.length > LOG_RING_MAX_LINE ? cutRecord(raw) : raw);
    }
  }

  push(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length;
    this.#count++;
    while (this.#lines.length > this.maxLines || (this.#bytes > this.maxBytes && this.#lines.length > 1)) this.#bytes -= this.#lines.shift()?.length ?? 0;
  }

  /** The last n lines, oldest first. */
  last(n: number): string[] {
    return this.#lines.slice(-n);
  }

  get count(): number {
    return this.#count;
  }

  /** Lines written after the given count (as many as are still held). */
  since(count: number): string[] {
    const missing = this.#count - count;
    return missing <= 0 ? [] : this.#lines.slice(-missing);
  }
}

/** A record too long for the ring, as a record still: its level, time, process, module and message, saying it was cut. */
function cutRecord(raw: string): string {
  const head: Record<string, unknown> = {};
  for (const key of ['level', 'time']) {
    const m = new RegExp(`"${key}":(\\d+)`).exec(raw);
    if (m !== null) head[key] = Number(m[1]);
  }
  for (const key of ['process', 'module', 'msg']) {
    const m = new RegExp(`"${key}":"((?:[^"\\\\]|\\\\.){0,500})"`).exec(raw);
    if (m?.[1] !== undefined) head[key] = JSON.parse(`"${m[1]}"`) as string;
  }
  return JSON.stringify({ ...head, cut: `${raw.length} characters; the whole record is in journald` });
}

/**
 * POS bytes waiting behind a held cut, addressed by stream offset. Chunks are kept as they came
 * (no concatenation per chunk: a long queue would be copied again on every arrival); a slice is
 * copied only when it spans chunks.
 */
export class ByteQueue {
  private parts: Buffer[] = [];
  /** Stream offset of the first queued byte. */
  start = 0;
  length = 0;

  get end(): number {
    return this.start + this.length;
  }

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }

  /** Bytes [from, to) (stream offsets within the queue). */
  slice(from: number, to: number): Buffer {
    const out: Buffer[] = [];
    let at = this.start;
    for (const p of this.parts) {
      const pEnd = at + p.length;
      if (pEnd > from && at < to) out.push(p.subarray(Math.max(0, from - at), Math.min(p.length, to - at)));
      if (pEnd >= to) break;
      at = pEnd;
    }
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  /** Forgets everything before stream offset `to`. */
  drop(to: number): void {
    let n = Math.min(to, this.end) - this.start;
    while (n > 0 && this.parts.length > 0) {
      const p = this.parts[0] as Buffer;
      if (p.length <= n) {
        this.parts.shift();
        n -= p.length;
        this.start += p.length;
        this.length -= p.length;
      } else {
        this.parts[0] = p.subarray(n);
        this.start += n;
        this.length -= n;
        n = 0;
      }
    }
  }
}

/**
 * The POS's bytes since the last cut (the document the analytics side is asked about), kept as
 * views of the chunks; past `max` bytes only the count is kept (the document goes without them).
 */
export class DocBytes {
  private parts: Buffer[] = [];
  length = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.length += to - from;
    if (this.length <= this.max) this.parts.push(chunk.subarray(from, to));
    else this.parts.length = 0;
  }

  /** The bytes so far (null: over the limit), without forgetting them. */
  peek(): Buffer | null {
    return this.length <= this.max ? Buffer.concat(this.parts) : null;
  }

  /** The bytes so far (null: over the limit); starts a new document. */
  take(): Buffer | null {
    const doc = this.peek();
    this.parts = [];
    this.length = 0;
    return doc;
  }
}

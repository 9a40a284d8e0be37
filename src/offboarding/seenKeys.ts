/**
 * The keys of the records a run saw, with bounded memory: kept in memory up to CHUNK keys, then sorted and spilled
 * to a chunk file; at the end the chunks are merged into one sorted stream of distinct keys (an external sort).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LineReader } from './lines.js';

/** Keys held in memory before a spill: about 10 MB for typical sync_field values. */
export const DEFAULT_CHUNK = 100_000;

/**
 * Keys are compared as JavaScript strings (UTF-16 code units) everywhere: Array.prototype.sort() without a
 * comparator and `<` agree, so chunks, the merge and the state file share one order.
 */
export class SeenKeys {
  private buf: string[] = [];
  private chunks: string[] = [];
  private chunkDir?: string;
  /** Keys added (with repeats). */
  added = 0;

  /** Chunk files go to a new folder `<spillDir>/<prefix><pid>-<random>`. */
  constructor(private readonly spillDir: string, private readonly prefix: string, private readonly chunk = DEFAULT_CHUNK) {}

  add(key: string): void {
    this.added++;
    this.buf.push(key);
    if (this.buf.length >= this.chunk) this.spill();
  }

  /** Synchronous on purpose: the pipeline calls add() from its record loop; one spill of 100,000 keys is a few ms. */
  private spill(): void {
    const keys = distinctSorted(this.buf);
    this.buf = [];
    if (!this.chunkDir) {
      fs.mkdirSync(this.spillDir, { recursive: true });
      this.chunkDir = fs.mkdtempSync(path.join(this.spillDir, `${this.prefix}${process.pid}-${randomBytes(3).toString('hex')}-`));
    }
    const file = path.join(this.chunkDir, String(this.chunks.length).padStart(6, '0'));
    fs.writeFileSync(file, keys.length ? `${keys.join('\n')}\n` : '', { mode: 0o600 });
    this.chunks.push(file);
  }

  /** Every distinct key, in order (may be read again, until dispose()). */
  async *sorted(): AsyncGenerator<string> {
    const memory = (this.buf = distinctSorted(this.buf));
    const sources: Array<{ head: string | undefined; next: () => Promise<string | undefined>; close: () => void }> = [];
    let i = 0;
    sources.push({ head: undefined, next: async () => memory[i++], close: () => undefined });
    for (const file of this.chunks) {
      const r = new LineReader(file);
      sources.push({ head: undefined, next: async () => { const l = await r.next(); return l === '' ? r.next() : l; }, close: () => r.close() });
    }
    try {
      for (const s of sources) s.head = await s.next();
      let last: string | undefined;
      for (;;) {
        // A linear scan over the heads: a run of a million records has ten chunks.
        let min: (typeof sources)[number] | undefined;
        for (const s of sources) if (s.head !== undefined && (min === undefined || s.head < min.head!)) min = s;
        if (!min) return;
        const key = min.head!;
        min.head = await min.next();
        if (key !== last) yield key;
        last = key;
      }
    } finally {
      for (const s of sources) s.close();
    }
  }

  async dispose(): Promise<void> {
    this.buf = [];
    if (this.chunkDir) await fs.promises.rm(this.chunkDir, { recursive: true, force: true });
    this.chunkDir = undefined;
    this.chunks = [];
  }
}

function distinctSorted(keys: string[]): string[] {
  keys.sort();
  const out: string[] = [];
  for (const k of keys) if (out.length === 0 || out[out.length - 1] !== k) out.push(k);
  return out;
}

/**
 * Streaming text lines in and out, with bounded buffers: what the sorted state files are read and written with.
 * Reading peeks one line at a time (a merge needs the head of every input); writing waits for the disk.
 */
import fs from 'node:fs';
import readline from 'node:readline';

export class LineReader {
  private readonly it: AsyncIterator<string>;
  private readonly stream: fs.ReadStream;
  constructor(file: string) {
    this.stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    this.it = readline.createInterface({ input: this.stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }
  async next(): Promise<string | undefined> {
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }
  close(): void {
    void this.it.return?.();
    this.stream.destroy();
  }
}

/** Appends lines to a new file (mode 0600: the keys are sync_field values, e.g. e-mail addresses); fsynced on close. */
export class LineWriter {
  private buf: string[] = [];
  private size = 0;
  private constructor(private readonly handle: fs.promises.FileHandle) {}

  static async create(file: string): Promise<LineWriter> {
    return new LineWriter(await fs.promises.open(file, 'wx', 0o600));
  }

  async write(line: string): Promise<void> {
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size >= 1 << 18) await this.flush();
  }

  /** Awaited writes of 256 KB: the disk sets the pace, nothing piles up in memory. */
  private async flush(): Promise<void> {
    if (!this.buf.length) return;
    const text = `${this.buf.join('\n')}\n`;
    this.buf = [];
    this.size = 0;
    await this.handle.write(text, null, 'utf8');
  }

  /** Everything written, flushed to the disk (so that a rename after it never exposes a half-written file). */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
  }

  /** After a failure: close without caring about the content (the file is removed by the caller). */
  async abandon(): Promise<void> {
    this.buf = [];
    await this.handle.close().catch(() => undefined);
  }
}

/**
 * Streaming text lines in and out, with bounded buffers: what the sorted state files are read and written with.
 * Reading peeks one line at a time (a merge needs the head of every input); writing waits for the disk.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class LineReader {
  private handle?: Promise<fs.promises.FileHandle>;
  private lines: string[] = [];
  private at = 0;
  private rest = '';
  private done = false;
  private readonly decoder = new StringDecoder('utf8');
  /** 128 KB: a merge reads one per chunk of 100,000 keys at once, so this is what its memory grows by per chunk. */
  private readonly buf = Buffer.alloc(1 << 17);

  constructor(private readonly file: string) {}

  /** The next line (without its newline); undefined at the end. A final line without a newline is returned too. */
  async next(): Promise<string | undefined> {
    while (this.at >= this.lines.length) {
      if (this.done) return undefined;
      await this.fill();
    }
    return this.lines[this.at++];
  }

  /** Reads 128 KB and splits it into lines: one await per block, not per line. */
  private async fill(): Promise<void> {
    this.handle ??= fs.promises.open(this.file, 'r');
    const h = await this.handle;
    const { bytesRead } = await h.read(this.buf, 0, this.buf.length, null);
    let text = this.rest + (bytesRead ? this.decoder.write(this.buf.subarray(0, bytesRead)) : this.decoder.end());
    if (bytesRead === 0) {
      this.done = true;
      this.lines = text === '' ? [] : [text.replace(/\r$/, '')];
      this.rest = '';
    } else {
      const cut = text.lastIndexOf('\n');
      this.rest = cut < 0 ? text : text.slice(cut + 1);
      text = cut < 0 ? '' : text.slice(0, cut);
      this.lines = cut < 0 ? [] : text.split('\n');
    }
    this.at = 0;
  }

  close(): void {
    this.done = true;
    this.lines = [];
    void this.handle?.then((h) => h.close()).catch(() => undefined);
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

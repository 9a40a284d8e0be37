/**
 * One small text file of state kept between runs (a watermark): read where the caller says, replaced atomically (a
 * temporary file in the same folder, fsynced, then a rename: a crash leaves the old state or the new one, never half
 * of one). A file that does not look like ours (too long, or refused by `valid`) is never overwritten: the path may
 * point at a file that belongs to something else. Used by [jasper]'s `storage` file and by every incremental source.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../atomicWrite.js';

export interface StateFileOptions {
  /** Section and setting named in errors ("[jasper] storage: ..."). */
  section: string;
  key: string;
  /** A longer file is not ours. */
  maxLength: number;
  /** Whether the (trimmed) text is state this file's owner wrote. */
  valid(text: string): boolean;
  /** What the file holds, for errors: "a date-time". */
  what: string;
  /** What the file should hold and what to do instead, said when it holds something else. */
  notOurs: string;
}

export class StateFile {
  constructor(readonly file: string, private readonly o: StateFileOptions) {}

  /** The saved text; undefined when there is no file yet (or it is empty). */
  async read(): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new ConfigError({ section: this.o.section, key: this.o.key }, `cannot read the state file "${this.file}" (${code ?? (err as Error).message})`);
    }
    const value = text.trim();
    if (value === '') return undefined;
    if (value.length > this.o.maxLength || !this.o.valid(value)) {
      throw new ConfigError({ section: this.o.section, key: this.o.key }, `the state file "${this.file}" ${this.o.notOurs}`);
    }
    return value;
  }

  /** Replaces the saved text atomically. */
  async write(value: string): Promise<void> {
    if (value.length > this.o.maxLength || !this.o.valid(value)) throw new Error(`refusing to save state to "${this.file}": not ${this.o.what}`);
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    try {
      await writeFileAtomic(this.file, value);
    } catch (err) {
      throw new Error(`cannot save the state file "${this.file}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
}

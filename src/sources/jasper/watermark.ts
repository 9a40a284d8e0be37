/**
 * The `storage` state file: the time up to which every modified terminal has been synced, as the original kept it
 * (the date-time alone, as text). It is read where the setting says (relative to the INI folder), replaced
 * atomically (a temporary file in the same folder, then a rename: a crash leaves the old watermark or the new one,
 * never half of one), and holds nothing but that date-time.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { parseXsdDateTime } from './dateTime.js';

/** More than any date-time: a file this long is not ours, so it is never overwritten. */
const MAX_LENGTH = 64;

export class WatermarkFile {
  constructor(readonly file: string, private readonly section: string) {}

  /** The saved date-time; undefined when there is no file yet (or it is empty). */
  async read(): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new ConfigError({ section: this.section, key: 'storage' }, `cannot read the state file "${this.file}" (${code ?? (err as Error).message})`);
    }
    const value = text.trim();
    if (value === '') return undefined;
    if (value.length > MAX_LENGTH || !parseXsdDateTime(value)) {
      // Refuse rather than overwrite: storage may point at a file that is not ours.
      throw new ConfigError({ section: this.section, key: 'storage' },
        `the state file "${this.file}" does not hold a date-time (the time of the last sync); point storage at another file, or delete this one to read every terminal again`);
    }
    return value;
  }

  /** Replaces the saved date-time atomically. */
  async write(value: string): Promise<void> {
    if (!parseXsdDateTime(value)) throw new Error(`refusing to save "${value}" as the watermark: not a date-time`);
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(value, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, this.file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw new Error(`cannot save the state file "${this.file}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
}

/**
 * Replaces a file so that a reader (or a run after a crash) sees the old content or the new, never half of it: the
 * data goes to a temporary name in the same folder (created exclusively, mode 0600 by default: these files hold
 * state, records or secrets), is fsynced, then renamed over the file. `syncDir` also fsyncs the folder, so that the
 * rename itself survives a power loss (Linux; Windows cannot open a folder). The temporary file is removed on failure.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crashPoint } from './crashPoint.js';

export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: { mode?: number; syncDir?: boolean } = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', opts.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      crashPoint('atomic-write:written', file);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  if (opts.syncDir) await syncDirectory(dir);
}

/** A rename or unlink is durable only once its folder is synced (Linux); Windows cannot open a folder. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

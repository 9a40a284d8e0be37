/**
 * One run per section at a time: two overlapping cron runs of the same section would push the same records twice
 * and race on its state files. The lock is a file `<dir>/<section>.lock` created exclusively (O_EXCL), holding the
 * owner's PID, host and start time. A lock whose PID no longer runs on this host (a run killed with SIGKILL, a
 * reboot) is stale: it is taken over with a warning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../logging.js';
import { sectionFolder } from './deadLetterSpool.js';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/** Another run holds the section: the message names its PID and start time. */
export class SectionLockedError extends ConnectorError {}

export interface SectionLock {
  release(): Promise<void>;
}

export async function lockSection(dir: string, section: string, log: Logger): Promise<SectionLock> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${sectionFolder(section)}.lock`);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  // Two attempts: the second after a stale lock was removed (if another run took it in between, it wins).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.promises.writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => fs.promises.rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConnectorError(`[${section}]: cannot create the lock file "${file}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    }
    const owner = await readOwner(file);
    if (owner && isRunning(owner)) {
      throw new SectionLockedError(
        `[${section}] is already being synced by another run (PID ${owner.pid} on ${owner.host}, started ${owner.started}); ` +
          `this run does not start it. If that process is gone, delete "${file}"`,
      );
    }
    log.warn(`[${section}]: taking over a stale lock "${file}"${owner ? ` of PID ${owner.pid} (started ${owner.started}), which no longer runs` : ' that could not be read'}`);
    await fs.promises.rm(file, { force: true });
  }
  throw new SectionLockedError(`[${section}] was locked by another run starting at the same moment ("${file}")`);
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await fs.promises.readFile(file, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** A PID is only meaningful on its own host: a lock from another host (shared folder) is treated as held. */
function isRunning(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

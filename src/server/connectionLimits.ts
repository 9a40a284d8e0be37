/**
 * How many client connections `serve` may hold. Each is a file descriptor, and so is every connection to Jamf and
 * Oomnitza: with no cap, 2,000 idle clients under the usual limit of 1,024 descriptors make every fetch fail
 * (EMFILE) after the webhooks were already answered. The cap keeps room for the outgoing side.
 */
import fs from 'node:fs';
import { ConfigError } from '../errors.js';

/** The soft open-files limit (`ulimit -n`, systemd LimitNOFILE=); undefined where it cannot be read (no /proc). */
export function openFilesLimit(read: () => string = () => fs.readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  const n = Number(soft);
  return soft === undefined || soft === 'unlimited' || !Number.isSafeInteger(n) ? undefined : n;
}

/**
 * Descriptors kept for everything but clients: each section's pool to its source (at least 16, or --workers),
 * Oomnitza's pool (16), and 64 for log files, the sandbox, stdio and the listening socket.
 */
export function reservedDescriptors(sections: number, workers: number): number {
  return 64 + 16 + sections * Math.max(16, workers);
}

/**
 * The connection cap in effect: `requested` (--max-connections), lowered to fit under the open-files limit when
 * that is known. A limit that leaves no room at all is a configuration error.
 */
export function connectionCap(requested: number, limit: number | undefined, reserved: number): { cap: number; lowered: boolean } {
  if (limit === undefined || requested + reserved <= limit) return { cap: requested, lowered: false };
  const room = limit - reserved;
  if (room < 1) {
    throw new ConfigError({ key: '--max-connections' }, `the open-files limit (ulimit -n) is ${limit}, which leaves no room for client ` +
      `connections next to the ${reserved} kept for Jamf, Oomnitza and logs; raise it (systemd: LimitNOFILE=4096)`);
  }
  return { cap: room, lowered: true };
}

/**
 * `mkdir -p` that always returns. Node's `mkdir({ recursive: true })` never returns for a path under /proc (it
 * retries the parent forever), so the missing directories are created one level at a time, and a file in the way
 * is named in the error (ENOTDIR) rather than the path below it.
 */
import fs from 'node:fs';
import path from 'node:path';

export function makeDirectories(dir: string, mode?: number): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(current);
    } catch (err) {
      // ENOTDIR: a file further up is in the way; keep climbing so that the error names that file.
      if (!['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: "${current}" is a file and not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) fs.mkdirSync(d, mode === undefined ? undefined : { mode });
}

/** "EACCES: permission denied, open '/x'" -> "permission denied (EACCES)"; the caller names the path. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(e?.message ?? '');
  return match ? `${match[1]} (${e.code})` : String(e?.message ?? err);
}

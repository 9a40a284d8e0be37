/**
 * A log file handler of logging.json: appends lines synchronously and rotates by size the way the original's
 * Python RotatingFileHandler does (`info.log` -> `info.log.1` -> ... -> `info.log.<backupCount>`).
 *
 * Why synchronous: a run must end with its exit code whatever the disk does. An asynchronous file stream that fails
 * (ENOSPC, EISDIR, EACCES) can leave an exit waiting for a flush that never ends (winston's File transport did: a failed
 * run hung and exited 0). Here every line is written (or has failed) when `writeLine()` returns: there is nothing to
 * wait for at exit, a line is never lost to process.exit, and a failure is known at once. It is reported once on
 * stderr and the run goes on; later lines keep being tried, so a disk that frees up gets logs again.
 */
import fs from 'node:fs';

export interface LogFileOptions {
  /** Rotate before a line would take the file past this many bytes; 0 never rotates. */
  maxBytes: number;
  /** Rotated files kept; 0 never rotates (as Python's handler). */
  backupCount: number;
  /** Called with the first write or rotation failure only. */
  onFirstError: (err: NodeJS.ErrnoException) => void;
}

export class RotatingLogFile {
  private fd: number | undefined;
  private size = 0;
  private failed = false;
  private canRotate = true;

  /** Opens (creates) the file for appending; throws if it cannot be, so the caller can report a config error. */
  constructor(
    readonly filename: string,
    private readonly opts: LogFileOptions,
  ) {
    this.open();
  }

  /** Appends `text` (a line with its newline); a failure is reported once (onFirstError), never thrown. */
  writeLine(text: string): void {
    const data = Buffer.from(text, 'utf8');
    try {
      if (this.fd === undefined) this.open();
      if (this.shouldRotate(data.length)) {
        try {
          this.rotate();
        } catch (err) {
          // Keep appending to the current file rather than lose every later line trying again.
          this.canRotate = false;
          this.fail(err as NodeJS.ErrnoException);
          if (this.fd === undefined) this.open();
        }
      }
      this.size += fs.writeSync(this.fd!, data);
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing cannot lose a line: every write was synchronous.
    }
    this.fd = undefined;
  }

  private open(): void {
    // O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of blocking the process forever.
    const { O_WRONLY, O_APPEND, O_CREAT, O_NONBLOCK } = fs.constants;
    this.fd = fs.openSync(this.filename, O_WRONLY | O_APPEND | O_CREAT | (O_NONBLOCK ?? 0), 0o666);
    this.size = fs.fstatSync(this.fd).size;
  }

  private shouldRotate(length: number): boolean {
    const { maxBytes, backupCount } = this.opts;
    return this.canRotate && maxBytes > 0 && backupCount > 0 && this.size > 0 && this.size + length > maxBytes;
  }

  private rotate(): void {
    this.close();
    const name = (i: number) => `${this.filename}.${i}`;
    for (let i = this.opts.backupCount - 1; i >= 1; i--) {
      if (fs.existsSync(name(i))) fs.renameSync(name(i), name(i + 1));
    }
    fs.renameSync(this.filename, name(1));
    this.open();
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (this.failed) return;
    this.failed = true;
    this.opts.onFirstError(err);
  }
}

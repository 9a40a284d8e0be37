/** Collects log lines written through src/logging.ts while a test runs. */
import { addLogTransport } from '../../src/logging.js';

export function captureLogs(): { lines: Array<{ level: string; message: string }>; stop: () => void } {
  const lines: Array<{ level: string; message: string }> = [];
  return { lines, stop: addLogTransport({ write: (_line, info) => lines.push({ level: info.level, message: info.message }) }) };
}

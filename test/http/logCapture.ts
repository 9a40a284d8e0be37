/** Collects log lines written through src/logging.ts while a test runs. */
import Transport from 'winston-transport';
import { addLogTransport } from '../../src/logging.js';

export function captureLogs(): { lines: Array<{ level: string; message: string }>; stop: () => void } {
  const lines: Array<{ level: string; message: string }> = [];
  const transport = new (class extends Transport {
    override log(info: { level: string; message: unknown }, next: () => void): void {
      lines.push({ level: info.level, message: String(info.message) });
      next();
    }
  })({ level: 'debug' });
  return { lines, stop: addLogTransport(transport) };
}

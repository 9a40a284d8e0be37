/** What a client sends, on its way into a log line: escaped, capped, and rate limited per kind of line. */
import type { Logger } from '../../src/logging.js';
import { escapeForLog, quoteForLog } from '../../src/server/logText.js';
import { ThrottledLog } from '../../src/server/throttledLog.js';

test('control characters, newlines, ANSI escapes and bidi overrides are escaped; quotes stay inside the value', () => {
  const forged = 'x\n2024-01-01T00:00:00.000Z INFO connector: [casper] pulled 1, pushed 1, failed 0\r\u001b[2J\u0007"\\\u2028\u202e\u0085';
  const out = quoteForLog(forged);
  expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  expect(out).toBe('"x\\n2024-01-01T00:00:00.000Z INFO connector: [casper] pulled 1, pushed 1, failed 0\\r\\u001b[2J\\u0007\\"\\\\\\u2028\\u202e\\u0085"');
  // Still readable: the escapes are JSON's.
  expect(JSON.parse(out)).toBe(forged);
});

test('a long value is cut, saying how much was left out; a lone surrogate is escaped, an emoji is kept whole', () => {
  expect(escapeForLog('a'.repeat(5000), 10)).toBe('aaaaaaaaaa...(+4990 chars)');
  expect(escapeForLog('😀'.repeat(4), 3)).toBe('😀😀😀...(+1 chars)');
  expect(escapeForLog('bad \ud800 pair')).toBe('bad \\ud800 pair');
  expect(escapeForLog('plain text, kept as is')).toBe('plain text, kept as is');
});

function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { log: { error: keep, warn: keep, info: keep, debug: keep, log: (_level, message) => keep(message) }, lines };
}

test('each kind of line is written once per interval; the rest are counted in one line', () => {
  let now = 1_000_000;
  const { log, lines } = memoryLogger();
  const throttled = new ThrottledLog(log, 10_000, () => now);
  for (let i = 0; i < 5000; i++) throttled.write('warn', 'unknown section', () => `request ${i} refused`);
  throttled.write('warn', 'casper wrong credentials', () => 'other kind');
  expect(lines).toEqual(['request 0 refused', 'other kind']);
  now += 10_000;
  throttled.flush();
  expect(lines.slice(2)).toEqual(['4999 more like this in the last 10 s (rate limited; the last one: request 4999 refused)']);
  // A new interval: the next one is written at once again, and a quiet kind is forgotten.
  now += 10_000;
  throttled.write('warn', 'unknown section', () => 'request 5000 refused');
  throttled.flush();
  expect(lines.slice(3)).toEqual(['request 5000 refused']);
});

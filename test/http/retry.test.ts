import { backoffDelay, parseRetryAfter, sleep } from '../../src/http/retry.js';
import { safeUrl, serverErrorText } from '../../src/http/httpError.js';

const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

test('full jitter: uniform in [0, base * 2^(n-1)], capped by maxDelayMs', () => {
  expect(backoffDelay(1, policy, undefined, () => 0.999)).toBe(99);
  expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(200);
  expect(backoffDelay(10, policy, undefined, () => 0.999)).toBe(999);
  expect(backoffDelay(2, policy, undefined, () => 0)).toBe(0);
});

test("a server's Retry-After wins over backoff but is capped", () => {
  expect(backoffDelay(1, policy, 300, () => 0)).toBe(300);
  expect(backoffDelay(1, policy, 60_000, () => 0)).toBe(1000);
});

test('Retry-After: seconds, HTTP date, garbage', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  expect(parseRetryAfter('7', now)).toBe(7000);
  expect(parseRetryAfter(['2'], now)).toBe(2000);
  expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
});

test('sleep rejects at once with the abort reason', async () => {
  const controller = new AbortController();
  const waiting = sleep(10_000, controller.signal);
  controller.abort(new Error('stop'));
  await expect(waiting).rejects.toThrow('stop');
});

test('safeUrl drops credentials, query and fragment', () => {
  expect(safeUrl('https://u:p@host.example:8443/a/b?token=x#frag')).toBe('https://host.example:8443/a/b');
  expect(safeUrl('not a url?secret=1')).toBe('not a url');
});

test('serverErrorText picks JSON error/message/detail, else text', () => {
  expect(serverErrorText('{"error":{"message":"nested"}}')).toBe('nested');
  expect(serverErrorText('{"errors":[{"detail":"first"}]}')).toBe('first');
  expect(serverErrorText('{"message":"m","detail":"d"}')).toBe('m');
  expect(serverErrorText('{"other":1}')).toBe('{"other":1}');
  expect(serverErrorText('plain   text\n')).toBe('plain text');
});

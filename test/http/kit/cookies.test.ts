/** CookieJar as session sources use it: a login's Set-Cookie lines folded into one Cookie header, get() by name. */
import { CookieJar } from '../../../src/http/index.js';

test('keeps name=value of each line, the later value wins, expired cookies go, get() reads one by name', () => {
  const url = new URL('https://sma.example.com/ams/shared/api/security/login');
  const jar = new CookieJar();
  jar.store(url, ['kboxid=abc; path=/; HttpOnly; Secure', 'KACE_LAST_ORG=Default; path=/']);
  jar.store(url, 'kboxid=def; Path=/');
  expect(jar.header(url)).toBe('KACE_LAST_ORG=Default; kboxid=def');
  expect(jar.get('kboxid')).toBe('def');
  jar.store(url, ['kboxid=x; Max-Age=0; Path=/', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'keep=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT']);
  expect(jar.header(url)).toBe('KACE_LAST_ORG=Default; keep=1');
  expect(jar.get('kboxid')).toBeUndefined();
  const empty = new CookieJar();
  empty.store(url, undefined);
  empty.store(url, ['=novalue', 'noequals']);
  expect(empty.header(url)).toBeUndefined();
});

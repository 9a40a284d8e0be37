/** CookieJar: Set-Cookie lines folded into one Cookie header, cleared cookies removed. */
import { CookieJar } from '../../../src/http/index.js';

test('keeps name=value of each line, the later value wins, cleared cookies go', () => {
  const jar = new CookieJar()
    .absorb(['kboxid=abc; path=/; HttpOnly; Secure', 'KACE_LAST_ORG=Default; path=/'])
    .absorb('kboxid=def; Path=/');
  expect(jar.header()).toBe('kboxid=def; KACE_LAST_ORG=Default');
  expect(jar.get('kboxid')).toBe('def');
  jar.absorb(['KACE_LAST_ORG=; path=/', 'kboxid=x; Max-Age=0', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'keep=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT']);
  expect(jar.header()).toBe('keep=1');
  expect(new CookieJar().absorb(undefined).absorb(['=novalue', 'noequals']).header()).toBe('');
  expect(jar.size).toBe(1);
});

/** Issue 11 #5: the client connection cap leaves file descriptors for the fetches from Jamf and pushes to Oomnitza. */
import { connectionCap, openFilesLimit, reservedDescriptors } from '../../src/server/connectionLimits.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

test('the soft open-files limit is read from /proc/self/limits; unknown or unlimited means no limit', () => {
  expect(openFilesLimit(() => LIMITS)).toBe(1024);
  expect(openFilesLimit(() => LIMITS.replace('1024  ', 'unlimited'))).toBeUndefined();
  expect(openFilesLimit(() => { throw new Error('ENOENT'); })).toBeUndefined();
  const here = openFilesLimit();
  expect(here === undefined || here > 0).toBe(true);
});

test('a cap that would not leave room for the outgoing connections is lowered; one that leaves none is a config error', () => {
  const reserved = reservedDescriptors(2, 8);
  expect(reserved).toBe(64 + 16 + 2 * 16);
  expect(connectionCap(2_000, 1024, reserved)).toEqual({ cap: 1024 - reserved, lowered: true });
  expect(connectionCap(256, 1024, reserved)).toEqual({ cap: 256, lowered: false });
  expect(connectionCap(2_000, undefined, reserved)).toEqual({ cap: 2_000, lowered: false });
  expect(() => connectionCap(256, 100, reserved)).toThrow(/--max-connections: the open-files limit \(ulimit -n\) is 100/);
  // More workers keep more descriptors for the source's pool.
  expect(reservedDescriptors(1, 64)).toBe(64 + 16 + 64);
});

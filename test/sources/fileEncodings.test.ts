import { FileTextDecoder, describeInvalid, findInvalid } from '../../src/sources/fileEncodings.js';

function decode(encoding: string, bytes: Buffer, piece = bytes.length || 1): string {
  const decoder = new FileTextDecoder(encoding);
  let text = '';
  for (let i = 0; i < bytes.length; i += piece) text += decoder.write(bytes.subarray(i, i + piece));
  return text + decoder.end();
}

function decodeEveryWay(encoding: string, bytes: Buffer): string {
  const whole = decode(encoding, bytes);
  for (const piece of [1, 2, 3, 5]) expect(decode(encoding, bytes, piece)).toBe(whole);
  return whole;
}

test('valid UTF-8 (2-, 3- and 4-byte characters) is decoded as is, across chunk boundaries', () => {
  expect(decodeEveryWay('utf-8', Buffer.from('héllo € 😀 ok\n', 'utf8'))).toBe('héllo € 😀 ok\n');
  expect(findInvalid('héllo € 😀 \uFFFD')).toBeUndefined(); // a real U+FFFD in the file is text, not an error
});

test('invalid UTF-8 is never replaced by U+FFFD: each bad byte is marked and found', () => {
  // latin1 é, an overlong "/", a UTF-16 surrogate encoded in UTF-8, a code point above U+10FFFF, a cut sequence
  const bytes = Buffer.from([0x53, 0x31, 0xe9, 0x2c, 0xc0, 0xaf, 0x2c, 0xed, 0xa0, 0x80, 0x2c, 0xf4, 0x90, 0x80, 0x80, 0x2c, 0xe2, 0x82]);
  const text = decodeEveryWay('utf-8', bytes);
  expect(text).not.toContain('\uFFFD');
  const bad = findInvalid(text)!;
  expect(bad.index).toBe(2);
  expect(describeInvalid(bad.unit, 'utf-8')).toBe('byte 0xE9');
  expect(text.split(',').map((f) => findInvalid(f) !== undefined)).toEqual([true, true, true, true, true]);
});

test('cp1252 (windows-1252): the 0x80-0x9F letters, and its five undefined bytes are invalid', () => {
  const text = decodeEveryWay('cp1252', Buffer.from([0x80, 0x93, 0x71, 0x94, 0x8a, 0xe9, 0x20, 0x81]));
  expect(text.slice(0, 7)).toBe('€“q”Šé ');
  expect(describeInvalid(findInvalid(text)!.unit, 'cp1252')).toBe('byte 0x81');
  expect(decodeEveryWay('windows-1252', Buffer.from([0x80]))).toBe('€');
});

test('latin1 maps every byte; UTF-16LE with a BOM; a BOM wins over the setting', () => {
  expect(decodeEveryWay('latin1', Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x80]))).toBe('Müller\u0080');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('serial,name\r\nS1,Zoë 😀\r\n', 'utf16le')]);
  expect(decodeEveryWay('utf-16le', utf16)).toBe('serial,name\r\nS1,Zoë 😀\r\n');
  expect(decodeEveryWay('utf-8', utf16)).toBe('serial,name\r\nS1,Zoë 😀\r\n');
  expect(decodeEveryWay('latin1', Buffer.from('\uFEFFMüller', 'utf8'))).toBe('Müller');
});

test('UTF-16LE: an unpaired surrogate and an odd last byte are invalid; UTF-16BE is refused', () => {
  const lone = Buffer.from([0x61, 0x00, 0x3d, 0xd8, 0x62, 0x00]);
  expect(describeInvalid(findInvalid(decodeEveryWay('utf-16le', lone))!.unit, 'utf-16le')).toBe('code unit 0xD83D');
  expect(findInvalid(decodeEveryWay('utf-16le', Buffer.from([0x61, 0x00, 0x62])))).toBeDefined();
  expect(() => decode('utf-8', Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toThrow(/UTF-16BE .* not supported/);
});

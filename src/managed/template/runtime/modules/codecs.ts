/** base64 and binascii: bytes in, bytes out, as in Python (b64encode of a str is a TypeError). */
import { PyError, PyModule, bind, truthy } from '../values.js';
import { bytes, bytesArg, fn, hex } from './common.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function b64encode(data: Uint8Array, alphabet = STD): string {
  let out = '';
  for (let i = 0; i < data.length; i += 3) {
    const n = (data[i] << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63];
    out += i + 1 < data.length ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.length ? alphabet[n & 63] : '=';
  }
  return out;
}

/** Python's non-strict b64decode: characters outside the alphabet are dropped; wrong padding is an error. */
export function b64decode(text: string, alphabet = STD, validate = false): Uint8Array {
  const valid = new RegExp(`[^${alphabet.replace(/[-\\\]^]/g, '\\$&')}=]`, 'g');
  if (validate && valid.test(text)) throw new PyError('binascii.Error', 'Non-base64 digit found');
  const clean = text.replace(valid, '');
  const body = clean.replace(/=+$/, '');
  if (body.includes('=') || (clean.length % 4 !== 0 && body.length % 4 !== 0)) {
    if (body.length % 4 === 1) throw new PyError('binascii.Error', `Invalid base64-encoded string: number of data characters (${body.length}) cannot be 1 more than a multiple of 4`);
    if (clean.length % 4 !== 0) throw new PyError('binascii.Error', 'Incorrect padding');
  }
  if (body.length % 4 === 1) throw new PyError('binascii.Error', `Invalid base64-encoded string: number of data characters (${body.length}) cannot be 1 more than a multiple of 4`);
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of body) {
    buffer = (buffer << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

const URLSAFE = STD.replace('+', '-').replace('/', '_');
const ascii = (s: string) => bytes(Array.from(s, (c) => c.charCodeAt(0)));

export const BASE64 = new PyModule('base64', {
  b64encode: fn('b64encode', (a, k) => {
    const [s, altchars] = bind('b64encode', a, k, ['s', 'altchars'], 1);
    let text = b64encode(bytesArg(s));
    if (altchars !== undefined && altchars !== null) {
      const alt = bytesArg(altchars);
      text = text.replace(/\+/g, String.fromCharCode(alt[0])).replace(/\//g, String.fromCharCode(alt[1]));
    }
    return ascii(text);
  }),
  b64decode: fn('b64decode', (a, k) => {
    const [s, altchars, validate] = bind('b64decode', a, k, ['s', 'altchars', 'validate'], 1);
    let text = String.fromCharCode(...bytesArg(s, true));
    if (altchars !== undefined && altchars !== null) {
      const alt = bytesArg(altchars);
      text = text.split(String.fromCharCode(alt[0])).join('+').split(String.fromCharCode(alt[1])).join('/');
    }
    return bytes(b64decode(text, STD, truthy(validate ?? false)));
  }),
  standard_b64encode: fn('standard_b64encode', (a, k) => ascii(b64encode(bytesArg(bind('standard_b64encode', a, k, ['s'], 1)[0])))),
  standard_b64decode: fn('standard_b64decode', (a, k) => bytes(b64decode(String.fromCharCode(...bytesArg(bind('standard_b64decode', a, k, ['s'], 1)[0], true))))),
  urlsafe_b64encode: fn('urlsafe_b64encode', (a, k) => ascii(b64encode(bytesArg(bind('urlsafe_b64encode', a, k, ['s'], 1)[0]), URLSAFE))),
  urlsafe_b64decode: fn('urlsafe_b64decode', (a, k) => bytes(b64decode(String.fromCharCode(...bytesArg(bind('urlsafe_b64decode', a, k, ['s'], 1)[0], true)), URLSAFE))),
  b16encode: fn('b16encode', (a, k) => ascii(hex(bytesArg(bind('b16encode', a, k, ['s'], 1)[0])).toUpperCase())),
  b16decode: fn('b16decode', (a, k) => {
    const [s, casefold] = bind('b16decode', a, k, ['s', 'casefold'], 1);
    let text = String.fromCharCode(...bytesArg(s, true));
    if (truthy(casefold ?? false)) text = text.toUpperCase();
    if (!/^(?:[0-9A-F]{2})*$/.test(text)) throw new PyError('binascii.Error', 'Non-base16 digit found');
    return bytes((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  }),
});

function crc32(data: Uint8Array, start: number): number {
  let crc = ~start >>> 0;
  for (const b of data) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function unhexlify(v: unknown): Uint8Array {
  const text = String.fromCharCode(...bytesArg(v, true));
  if (text.length % 2) throw new PyError('binascii.Error', 'Odd-length string');
  if (!/^[0-9a-fA-F]*$/.test(text)) throw new PyError('binascii.Error', 'Non-hexadecimal digit found');
  return Uint8Array.from((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));
}

export const BINASCII = new PyModule('binascii', {
  hexlify: fn('hexlify', (a, k) => ascii(hex(bytesArg(bind('hexlify', a, k, ['data', 'sep'], 1)[0])))),
  b2a_hex: fn('b2a_hex', (a, k) => ascii(hex(bytesArg(bind('b2a_hex', a, k, ['data', 'sep'], 1)[0])))),
  unhexlify: fn('unhexlify', (a, k) => bytes(unhexlify(bind('unhexlify', a, k, ['hexstr'], 1)[0]))),
  a2b_hex: fn('a2b_hex', (a, k) => bytes(unhexlify(bind('a2b_hex', a, k, ['hexstr'], 1)[0]))),
  b2a_base64: fn('b2a_base64', (a, k) => {
    const [data, newline] = bind('b2a_base64', a, k, ['data', 'newline'], 1);
    return ascii(b64encode(bytesArg(data)) + (truthy(newline ?? true) ? '\n' : ''));
  }),
  a2b_base64: fn('a2b_base64', (a, k) => bytes(b64decode(String.fromCharCode(...bytesArg(bind('a2b_base64', a, k, ['data'], 1)[0], true))))),
  crc32: fn('crc32', (a, k) => {
    const [data, value] = bind('crc32', a, k, ['data', 'value'], 1);
    return crc32(bytesArg(data), value === undefined ? 0 : Number(value));
  }),
});

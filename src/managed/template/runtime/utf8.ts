/** UTF-8 and Latin-1 codecs: QuickJS has no TextEncoder/TextDecoder. */
import { PyError } from './values.js';

export function encodeText(text: string, encoding = 'utf-8', errors = 'strict'): Uint8Array {
  const codec = normalizeEncoding(encoding);
  if (codec === 'utf-8') return utf8Encode(text);
  const limit = codec === 'ascii' ? 0x80 : 0x100;
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < limit) out.push(cp);
    else if (errors === 'ignore') continue;
    else if (errors === 'replace') out.push(0x3f);
    else throw new PyError('UnicodeEncodeError', `'${codec === 'ascii' ? 'ascii' : 'latin-1'}' codec can't encode character '\\u${cp.toString(16).padStart(4, '0')}': ordinal not in range(${limit})`);
  }
  return Uint8Array.from(out);
}

export function decodeBytes(data: Uint8Array, encoding = 'utf-8', errors = 'strict'): string {
  const codec = normalizeEncoding(encoding);
  if (codec !== 'utf-8') {
    let out = '';
    for (const b of data) {
      if (codec === 'ascii' && b >= 0x80) {
        if (errors === 'ignore') continue;
        if (errors === 'replace') { out += '\ufffd'; continue; }
        throw new PyError('UnicodeDecodeError', `'ascii' codec can't decode byte 0x${b.toString(16)}: ordinal not in range(128)`);
      }
      out += String.fromCharCode(b);
    }
    return out;
  }
  return utf8Decode(data, errors);
}

function normalizeEncoding(encoding: string): 'utf-8' | 'ascii' | 'latin-1' {
  const e = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (e === 'utf8') return 'utf-8';
  if (e === 'ascii' || e === 'usascii') return 'ascii';
  if (e === 'latin1' || e === 'iso88591' || e === 'l1') return 'latin-1';
  throw new PyError('LookupError', `unknown encoding: ${encoding}`);
}

export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new PyError('UnicodeEncodeError', `'utf-8' codec can't encode character '\\u${cp.toString(16)}': surrogates not allowed`);
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else {
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    }
  }
  return Uint8Array.from(out);
}

function utf8Decode(data: Uint8Array, errors: string): string {
  let out = '';
  let i = 0;
  while (i < data.length) {
    const b = data[i];
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
    if (b >= 0xc2 && b < 0xe0) { need = 1; cp = b & 0x1f; min = 0x80; }
    else if (b >= 0xe0 && b < 0xf0) { need = 2; cp = b & 0x0f; min = 0x800; }
    else if (b >= 0xf0 && b < 0xf5) { need = 3; cp = b & 0x07; min = 0x10000; }
    let ok = need > 0 && i + need < data.length;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const c = data[i + k];
        if (c === undefined || (c & 0xc0) !== 0x80) { ok = false; break; }
        cp = (cp << 6) | (c & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
      continue;
    }
    if (errors === 'ignore') { i++; continue; }
    if (errors === 'replace') { out += '\ufffd'; i++; continue; }
    throw new PyError('UnicodeDecodeError', `'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: invalid start byte`);
  }
  return out;
}

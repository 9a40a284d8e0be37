/** urllib.parse.quote / unquote over UTF-8, as Jinja's urlencode and import('urllib.parse') use them. */
import { decodeBytes, utf8Encode } from './utf8.js';

const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';

export function quote(value: string | Uint8Array, safe = '/', plusForSpace = false): string {
  const bytes = typeof value === 'string' ? utf8Encode(value) : value;
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && (ALWAYS_SAFE.includes(ch) || safe.includes(ch))) out += ch;
    else if (plusForSpace && b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function unquote(text: string, plus = false, encoding = 'utf-8', errors = 'replace'): string {
  const source = plus ? text.replace(/\+/g, ' ') : text;
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += decodeBytes(Uint8Array.from(bytes), encoding, errors);
    bytes.length = 0;
  };
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '%' && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += source[i];
    }
  }
  flush();
  return out;
}

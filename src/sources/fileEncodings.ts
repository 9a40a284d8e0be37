/**
 * Turns the bytes of an export file (CSV, JSON) into text without ever altering them silently. A byte sequence
 * that is not valid in the file's encoding becomes a lone UTF-16 surrogate (U+DC00 + the byte, as Python's
 * "surrogateescape"): valid input never decodes to one, so the reader can find it in a row or record, name it as
 * failed and never push it. (Buffer.toString and TextDecoder without `fatal` would put U+FFFD there, which is valid
 * text: a wrong serial number becomes a new asset.)
 *
 * A byte order mark wins over the `encoding` setting, as in the WHATWG decoding rules: EF BB BF is UTF-8 and
 * FF FE is UTF-16LE whatever the setting says; both are removed.
 */
import { isUtf8 } from 'node:buffer';

export const FILE_ENCODINGS = ['utf-8', 'latin1', 'cp1252', 'windows-1252', 'utf-16le'] as const;
export type FileEncodingName = (typeof FILE_ENCODINGS)[number];
type Encoding = 'utf-8' | 'latin1' | 'cp1252' | 'utf-16le';

/** Other names admins write for the same encodings. */
const ALIASES: Record<string, Encoding> = {
  utf8: 'utf-8',
  'iso-8859-1': 'latin1',
  'latin-1': 'latin1',
  'windows-1252': 'cp1252',
  utf16le: 'utf-16le',
};

/** The setting's name for an alias (utf8 -> utf-8); other text is returned unchanged, for the choice to refuse. */
export function encodingAlias(raw: string): string {
  return ALIASES[raw.trim().toLowerCase()] ?? raw;
}

function canonicalEncoding(name: string): Encoding {
  const lower = name.trim().toLowerCase();
  return ALIASES[lower] ?? (lower as Encoding);
}

/** cp1252 differs from latin1 only in 0x80-0x9F; 0 marks the five bytes cp1252 leaves undefined. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

const invalidByte = (b: number): string => String.fromCharCode(0xdc00 + b);

/** The first byte (or UTF-16 unit) that was not valid, or undefined when `text` is intact. */
export function findInvalid(text: string): { index: number; unit: number } | undefined {
  const match = /\p{Cs}/u.exec(text);
  return match ? { index: match.index, unit: match[0].charCodeAt(0) } : undefined;
}

/** "byte 0xE9" for the single-byte encodings and UTF-8, "code unit 0xD83D" for UTF-16 (an unpaired surrogate or odd last byte). */
export function describeInvalid(unit: number, encoding: string): string {
  const hex = (n: number, width: number) => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;
  return canonicalEncoding(encoding) === 'utf-16le' ? `code unit ${hex(unit, 4)}` : `byte ${hex(unit - 0xdc00, 2)}`;
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0 (Unicode table 3-7: no overlongs, surrogates or > U+10FFFF). */
function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i];
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < buf.length && buf[i + k] >= lo && buf[i + k] <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Where a multi-byte sequence cut by the chunk boundary starts (it waits for the next chunk), else buf.length. */
function utf8CompleteLength(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

function decodeUtf8(buf: Buffer): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let from = 0;
  for (let i = 0; i < buf.length; ) {
    const n = utf8SequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += buf.toString('utf8', from, i) + invalidByte(buf[i]);
    from = ++i;
  }
  return out + buf.toString('utf8', from);
}

function decodeCp1252(buf: Buffer): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x80 || b > 0x9f) continue;
    out += buf.toString('latin1', from, i) + (CP1252_HIGH[b - 0x80] ? String.fromCharCode(CP1252_HIGH[b - 0x80]) : invalidByte(b));
    from = i + 1;
  }
  return out + buf.toString('latin1', from);
}

/** Streaming decoder for one file: write() each chunk, then end(). */
export class FileTextDecoder {
  private encoding: Encoding;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(encoding: string) {
    this.encoding = canonicalEncoding(encoding);
  }

  /** The encoding in use: the setting, or what a byte order mark said. */
  get effectiveEncoding(): string {
    return this.encoding;
  }

  write(chunk: Buffer): string {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    if (!this.started) {
      if (buf.length < 3) {
        this.pending = buf;
        return '';
      }
      buf = this.skipBom(buf);
    }
    return this.decode(buf, false);
  }

  end(): string {
    const buf = this.started ? this.pending : this.skipBom(this.pending);
    this.pending = Buffer.alloc(0);
    return this.decode(buf, true);
  }

  private skipBom(buf: Buffer): Buffer {
    this.started = true;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.encoding = 'utf-8';
      return buf.subarray(3);
    }
    if (buf[0] === 0xff && buf[1] === 0xfe) {
      this.encoding = 'utf-16le';
      return buf.subarray(2);
    }
    if (buf[0] === 0xfe && buf[1] === 0xff) throw new Error('the file is UTF-16BE (it starts with FE FF), which is not supported: save it as UTF-8 or UTF-16LE');
    return buf;
  }

  private decode(buf: Buffer, final: boolean): string {
    switch (this.encoding) {
      case 'latin1':
        return buf.toString('latin1');
      case 'cp1252':
        return decodeCp1252(buf);
      case 'utf-16le':
        return this.decodeUtf16(buf, final);
      default: {
        const complete = final ? buf.length : utf8CompleteLength(buf);
        this.pending = buf.subarray(complete);
        return decodeUtf8(buf.subarray(0, complete));
      }
    }
  }

  /** Lone surrogates stay as they are (they are the marks); a final odd byte becomes a mark too. */
  private decodeUtf16(buf: Buffer, final: boolean): string {
    let even = buf.length - (buf.length % 2);
    // A high surrogate at the end waits for its pair in the next chunk.
    if (!final && even >= 2 && (buf[even - 1] & 0xfc) === 0xd8) even -= 2;
    this.pending = final ? Buffer.alloc(0) : buf.subarray(even);
    const text = buf.toString('utf16le', 0, even);
    return final && even < buf.length ? text + invalidByte(buf[even]) : text;
  }
}

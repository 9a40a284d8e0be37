/** import('uuid'): uuid1-free (no MAC address), uuid3/4/5, UUID(...) and the standard namespaces. */
import { PyError, PyFunction, PyModule, PyObject, bind, type Value } from '../values.js';
import { bytes, bytesArg, fn, hex } from './common.js';
import { randomBytes } from './entropy.js';
import { md5, sha1 } from './hashes.js';
import { utf8Encode } from '../utf8.js';

export class PyUUID extends PyObject {
  readonly typeName = 'UUID';
  constructor(readonly data: Uint8Array) {
    super();
  }
  get hexText(): string {
    return hex(this.data);
  }
  str(): string {
    const h = this.hexText;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  repr(): string {
    return `UUID('${this.str()}')`;
  }
  attr(name: string): Value | undefined {
    switch (name) {
      case 'hex': return this.hexText;
      case 'urn': return `urn:uuid:${this.str()}`;
      case 'bytes': return bytes(this.data);
      case 'version': return this.data[6] >> 4;
      case 'int': return Number(BigInt(`0x${this.hexText}`));
    }
    return undefined;
  }
  equals(other: Value): boolean {
    return other instanceof PyUUID && other.hexText === this.hexText;
  }
  toData(): unknown {
    return this.str();
  }
}

function withVersion(data: Uint8Array, version: number): PyUUID {
  const d = data.slice(0, 16);
  d[6] = (d[6] & 0x0f) | (version << 4);
  d[8] = (d[8] & 0x3f) | 0x80;
  return new PyUUID(d);
}

function parse(text: string): PyUUID {
  const h = text.replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new PyError('ValueError', 'badly formed hexadecimal UUID string');
  return new PyUUID(Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)));
}

function named(version: number, digest: (d: Uint8Array) => Uint8Array) {
  return fn(`uuid${version}`, (a, k) => {
    const [namespace, name] = bind(`uuid${version}`, a, k, ['namespace', 'name'], 2);
    if (!(namespace instanceof PyUUID)) throw new PyError('AttributeError', "'str' object has no attribute 'bytes'");
    const nameBytes = typeof name === 'string' ? utf8Encode(name) : bytesArg(name);
    const joined = new Uint8Array(16 + nameBytes.length);
    joined.set(namespace.data);
    joined.set(nameBytes, 16);
    return withVersion(digest(joined), version);
  });
}

const UUID_CLASS = new PyFunction('UUID', (a, k) => {
  const [h, , b] = bind('UUID', a, k, ['hex', 'bytes_le', 'bytes', 'fields', 'int', 'version'], 0);
  if (typeof h === 'string') return parse(h);
  if (b !== undefined) return new PyUUID(bytesArg(b));
  throw new PyError('TypeError', 'one of the hex, bytes, bytes_le, fields, or int arguments must be given');
});

export const UUID = new PyModule('uuid', {
  UUID: UUID_CLASS,
  uuid4: fn('uuid4', () => withVersion(randomBytes(16), 4)),
  uuid3: named(3, md5),
  uuid5: named(5, sha1),
  NAMESPACE_DNS: parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
  NAMESPACE_URL: parse('6ba7b811-9dad-11d1-80b4-00c04fd430c8'),
  NAMESPACE_OID: parse('6ba7b812-9dad-11d1-80b4-00c04fd430c8'),
  NAMESPACE_X500: parse('6ba7b814-9dad-11d1-80b4-00c04fd430c8'),
});

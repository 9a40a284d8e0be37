/** import('hashlib') and import('hmac'): md5, sha1, sha256, sha512 hash objects; hmac.new / digest / compare_digest. */
import { PyError, PyFunction, PyModule, PyObject, bind, typeError, type Value } from '../values.js';
import { bytes, bytesArg, fn, hex } from './common.js';
import { DIGESTS, hmacDigest } from './hashes.js';

class HashObject extends PyObject {
  readonly typeName: string;
  private data: Uint8Array;
  constructor(readonly name: string, private readonly compute: (data: Uint8Array) => Uint8Array, initial: Uint8Array) {
    super();
    this.typeName = `${name} HASH`;
    this.data = initial;
  }
  attr(name: string): Value | undefined {
    switch (name) {
      case 'name': return this.name;
      case 'digest_size': return this.compute(new Uint8Array()).length;
      case 'block_size': return this.name === 'sha512' ? 128 : 64;
      case 'hexdigest': return new PyFunction('hexdigest', () => hex(this.compute(this.data)));
      case 'digest': return new PyFunction('digest', () => bytes(this.compute(this.data)));
      case 'update': return new PyFunction('update', (a) => {
        const more = bytesArg(a[0]);
        const joined = new Uint8Array(this.data.length + more.length);
        joined.set(this.data);
        joined.set(more, this.data.length);
        this.data = joined;
        return null;
      });
      case 'copy': return new PyFunction('copy', () => new HashObject(this.name, this.compute, this.data.slice()));
    }
    return undefined;
  }
  repr(): string {
    return `<${this.name} _hashlib.HASH object>`;
  }
}

function hashFunction(name: string): PyFunction {
  return fn(name, (a, k) => {
    const [data] = bind(name, a, k, ['string', 'usedforsecurity']);
    return new HashObject(name, DIGESTS[name].digest, data === undefined ? new Uint8Array() : bytesArg(data));
  });
}

function algorithm(v: Value): string {
  if (typeof v === 'string' && Object.hasOwn(DIGESTS, v.toLowerCase())) return v.toLowerCase();
  if (v instanceof PyFunction && Object.hasOwn(DIGESTS, v.name)) return v.name;
  throw new PyError('ValueError', `unsupported hash type ${String(v)}`);
}

const members: Record<string, Value> = {};
for (const name of Object.keys(DIGESTS)) members[name] = hashFunction(name);
members.new = fn('new', (a, k) => {
  const [name, data] = bind('new', a, k, ['name', 'data'], 1);
  const alg = algorithm(name);
  return new HashObject(alg, DIGESTS[alg].digest, data === undefined ? new Uint8Array() : bytesArg(data));
});
members.algorithms_available = Object.keys(DIGESTS);
export const HASHLIB = new PyModule('hashlib', members);

class HmacObject extends PyObject {
  readonly typeName = 'HMAC';
  constructor(private readonly alg: string, private readonly key: Uint8Array, private msg: Uint8Array) {
    super();
  }
  attr(name: string): Value | undefined {
    switch (name) {
      case 'hexdigest': return new PyFunction('hexdigest', () => hex(hmacDigest(this.alg, this.key, this.msg)));
      case 'digest': return new PyFunction('digest', () => bytes(hmacDigest(this.alg, this.key, this.msg)));
      case 'update': return new PyFunction('update', (a) => {
        const more = bytesArg(a[0]);
        const joined = new Uint8Array(this.msg.length + more.length);
        joined.set(this.msg);
        joined.set(more, this.msg.length);
        this.msg = joined;
        return null;
      });
      case 'name': return `hmac-${this.alg}`;
    }
    return undefined;
  }
}

export const HMAC = new PyModule('hmac', {
  new: fn('new', (a, k) => {
    const [key, msg, digestmod] = bind('new', a, k, ['key', 'msg', 'digestmod'], 1);
    if (digestmod === undefined || digestmod === null) throw typeError("Missing required parameter 'digestmod'.");
    return new HmacObject(algorithm(digestmod), bytesArg(key), msg === undefined || msg === null ? new Uint8Array() : bytesArg(msg));
  }),
  digest: fn('digest', (a, k) => {
    const [key, msg, digest] = bind('digest', a, k, ['key', 'msg', 'digest'], 3);
    return bytes(hmacDigest(algorithm(digest), bytesArg(key), bytesArg(msg)));
  }),
  compare_digest: fn('compare_digest', (a, k) => {
    const [x, y] = bind('compare_digest', a, k, ['a', 'b'], 2);
    const ax = typeof x === 'string' ? x : hex(bytesArg(x));
    const by = typeof y === 'string' ? y : hex(bytesArg(y));
    return ax === by;
  }),
});

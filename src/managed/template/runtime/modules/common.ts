/** Small helpers the module tables share. */
import { PyBytes, PyError, PyFunction, isInt, typeError, typeName, type Callable, type Value } from '../values.js';
import { encodeText } from '../utf8.js';

export function fn(name: string, call: Callable): PyFunction {
  return new PyFunction(name, call);
}

/** A bytes-like argument; `allowText` accepts an ASCII str as Python's decoders do. */
export function bytesArg(v: Value, allowText = false): Uint8Array {
  if (v instanceof PyBytes) return v.data;
  if (allowText && typeof v === 'string') {
    if (/[^\x00-\x7f]/.test(v)) throw new PyError('ValueError', 'string argument should contain only ASCII characters');
    return encodeText(v, 'ascii');
  }
  throw typeError(`a bytes-like object is required, not '${typeName(v)}'`);
}

export function intArg(v: Value | undefined, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (!isInt(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(v);
}

export function bytes(data: Uint8Array | number[]): PyBytes {
  return new PyBytes(data instanceof Uint8Array ? data : Uint8Array.from(data));
}

export function hex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

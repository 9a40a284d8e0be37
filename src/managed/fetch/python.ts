/**
 * The few Python semantics the fetch algorithm itself depends on (the templates' own semantics live in the template
 * engine): truthiness, iteration, and the errors whose text the cloud shows to admins (`KeyError: 'headers'`
 * prints as `'headers'`, as Python's str() of a KeyError does).
 */

/** Python truthiness of a JSON value: None, False, 0, '', [] and {} are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A missing key of a behaviour, as the original reports it (str() of a KeyError is the key's repr). */
export class KeyError extends Error {
  constructor(key: string) {
    super(`'${key}'`);
    this.name = 'KeyError';
  }
}

/** What `for x in value` gives in Python: a list's items, a dict's keys, a string's characters. */
export function pyIter(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  const type = value === null || value === undefined ? 'NoneType' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : 'float';
  const error = new TypeError(`'${type}' object is not iterable`);
  throw error;
}

/** A required key of a behaviour (Python's `behaviour['url']`). */
export function required(behaviour: Record<string, unknown>, key: string): unknown {
  if (!Object.hasOwn(behaviour, key)) throw new KeyError(key);
  return behaviour[key];
}

/**
 * Dotted paths into a response body, written as the vendors' docs name them: `value`, `data.items`,
 * `@odata.nextLink` (a key that itself contains dots is matched whole before it is split), `data.-1.id` (a negative
 * index counts from the end, for "the last item's id" cursors); the empty path is the body itself.
 */
export function valueAt(data: unknown, path: string): unknown {
  if (path === '') return data;
  if (data === null || typeof data !== 'object') return undefined;
  if (Array.isArray(data)) {
    const dot = path.indexOf('.');
    const head = dot < 0 ? path : path.slice(0, dot);
    if (!/^-?\d+$/.test(head)) return undefined;
    const index = Number(head) < 0 ? data.length + Number(head) : Number(head);
    return valueAt(data[index], dot < 0 ? '' : path.slice(dot + 1));
  }
  if (Object.hasOwn(data, path)) return (data as Record<string, unknown>)[path];
  const dot = path.indexOf('.');
  if (dot < 0 || !Object.hasOwn(data, path.slice(0, dot))) return undefined;
  return valueAt((data as Record<string, unknown>)[path.slice(0, dot)], path.slice(dot + 1));
}

/** A copy of a JSON body with `value` at a dotted path (missing objects on the way are created). */
export function withValueAt(body: unknown, path: string, value: unknown): unknown {
  const root: unknown = body === undefined ? {} : structuredClone(body);
  if (root === null || typeof root !== 'object') throw new TypeError(`cannot set "${path}" in a request body that is not a JSON object`);
  const keys = path.split('.');
  let node = root as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return root;
}

/** What a value is, for messages that must not print it: "a list", "an object", "a boolean", "null". */
export function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Where a context value came from, so that a native result which is an untouched part of the context (the
 * common `{{ list_response['value'] }}`) goes back to the host as a path into the JSON the host already holds,
 * instead of being serialised again in QuickJS (30 ms for a 200-item page here). Any mutating method called on
 * a context value (`list.append`, `dict.update`, ...) marks its whole context as changed: from then on its
 * values are serialised as usual.
 */
import type { Value } from './values.js';

interface Origin {
  context: number;
  parent: object | null;
  key: string | number;
}

const origins = new WeakMap<object, Origin>();
const changed = new Set<number>();

export function noteOrigin(value: Value, context: number, parent: object | null, key: string | number): void {
  if (value !== null && typeof value === 'object') origins.set(value, { context, parent, key });
}

/** A mutating method is about to change `obj`. */
export function touch(obj: object): void {
  const origin = origins.get(obj);
  if (origin) changed.add(origin.context);
}

export function forgetContext(context: number): void {
  changed.delete(context);
}

/** The path of `value` in context `context` when it is an unchanged part of it. */
export function originPath(value: Value, context: number): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object' || changed.has(context)) return undefined;
  const path: (string | number)[] = [];
  let at: object | null = value;
  while (at) {
    const origin = origins.get(at);
    if (!origin || origin.context !== context) return undefined;
    path.unshift(origin.key);
    at = origin.parent;
  }
  return path;
}

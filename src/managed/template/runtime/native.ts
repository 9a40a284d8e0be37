/**
 * Native rendering's result, as Jinja 3.0's `native_concat` (the version the original pins) and the original's
 * `render_to_native` make it: no output → None; one output that is not a string → that value itself; otherwise
 * the str() of the pieces joined and read back with `ast.literal_eval` (the text itself when that fails).
 * An Undefined result is None; an `as_is` value comes back raw.
 */
import { RawValue } from './interpreter.js';
import { NOT_LITERAL, literalEval } from './literalEval.js';
import { pyStr } from './repr.js';
import { Undefined, type Value } from './values.js';

export function nativeConcat(pieces: Value[]): Value {
  if (pieces.length === 0) return null;
  let raw: Value;
  if (pieces.length === 1) {
    raw = pieces[0];
    if (typeof raw !== 'string') return raw;
  } else {
    raw = pieces.map(pyStr).join('');
  }
  const parsed = literalEval(raw as string);
  return parsed === NOT_LITERAL ? raw : parsed;
}

/** What render_to_native returns for the concatenated value. */
export function nativeResult(value: Value): Value {
  if (value instanceof Undefined) return null;
  if (value instanceof RawValue) return value.value;
  return value;
}

/** Jinja2's built-in tests (`x is defined`, `x is divisibleby 3`, `x is in [...]`, ...), jinja2/tests.py. */
import type { TestFunction } from './interpreter.js';
import { contains, equals, order } from './operators.js';
import {
  PyError, PyFloat, PyFunction, PyObject, Undefined, isInt, isNumber, numberOf, typeError, type Value, ownTable,
} from './values.js';

function iterable(v: Value): boolean {
  return typeof v === 'string' || Array.isArray(v) || v instanceof Map || (v instanceof PyObject && v.iter() !== undefined);
}

const cmp = (check: (r: number) => boolean): TestFunction => (_e, v, a) => check(order(v, a[0]));

export const TESTS: Record<string, TestFunction> = ownTable<TestFunction>({
  boolean: (_e, v) => typeof v === 'boolean',
  callable: (_e, v) => v instanceof PyFunction || (v instanceof PyObject && typeof v.invoke === 'function'),
  defined: (_e, v) => !(v instanceof Undefined),
  undefined: (_e, v) => v instanceof Undefined,
  divisibleby: (_e, v, a) => {
    if (!isNumber(v) || !isNumber(a[0])) throw typeError('divisibleby needs numbers');
    const d = numberOf(a[0]);
    if (d === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
    return numberOf(v) % d === 0;
  },
  escaped: () => false,
  even: (_e, v) => isInt(v) && Number(v) % 2 === 0,
  odd: (_e, v) => isInt(v) && Math.abs(Number(v)) % 2 === 1,
  false: (_e, v) => v === false,
  true: (_e, v) => v === true,
  float: (_e, v) => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)),
  integer: (_e, v) => typeof v === 'number' && Number.isInteger(v),
  number: (_e, v) => isNumber(v),
  none: (_e, v) => v === null,
  string: (_e, v) => typeof v === 'string',
  mapping: (_e, v) => v instanceof Map,
  sequence: (_e, v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map,
  iterable: (_e, v) => iterable(v),
  lower: (_e, v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (_e, v) => typeof v === 'string' && v === v.toUpperCase(),
  sameas: (_e, v, a) => v === a[0] || (v === null && a[0] === null),
  in: (_e, v, a) => contains(a[0], v),
  eq: (_e, v, a) => equals(v, a[0]),
  ne: (_e, v, a) => !equals(v, a[0]),
  lt: cmp((r) => r < 0),
  le: cmp((r) => r <= 0),
  gt: cmp((r) => r > 0),
  ge: cmp((r) => r >= 0),
  filter: (e, v) => typeof v === 'string' && e.hasFilter(v),
  test: (e, v) => typeof v === 'string' && e.hasTest(v),
});
TESTS['=='] = TESTS.eq;
TESTS.equalto = TESTS.eq;
TESTS['!='] = TESTS.ne;
TESTS['<'] = TESTS.lt;
TESTS.lessthan = TESTS.lt;
TESTS['<='] = TESTS.le;
TESTS['>'] = TESTS.gt;
TESTS.greaterthan = TESTS.gt;
TESTS['>='] = TESTS.ge;

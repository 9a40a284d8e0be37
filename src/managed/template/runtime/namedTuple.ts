/** A Python NamedTuple (groupby's `_GroupTuple`): fields by name and by index, printed as a plain tuple. */
import { pyRepr } from './repr.js';
import { PyObject, isInt, tuple, type Value } from './values.js';

export class NamedTuple extends PyObject {
  constructor(readonly typeName: string, private readonly fields: string[], private readonly values: Value[]) {
    super();
  }
  attr(name: string): Value | undefined {
    const at = this.fields.indexOf(name);
    return at >= 0 ? this.values[at] : undefined;
  }
  item(key: Value): Value | undefined {
    if (!isInt(key)) return undefined;
    const i = Number(key) < 0 ? Number(key) + this.values.length : Number(key);
    return this.values[i];
  }
  iter(): Value[] {
    return this.values.slice();
  }
  repr(): string {
    return pyRepr(tuple(this.values.slice()));
  }
  equals(other: Value): boolean {
    return other === this;
  }
  toData(): unknown {
    return this.values;
  }
}

/**
 * Filter -> map -> convert for a chunk of raw records. Built-in converters run here, in the host; custom
 * converters and the record filter run in the sandbox, one round trip per chunk.
 */
import { getBuiltinConverter } from '../converters/index.js';
import type { Converter } from '../converters/types.js';
import type { Logger } from '../logging.js';
import type { SandboxItem, SnippetSandbox } from '../sandbox/types.js';
import type { RawRecord } from '../records.js';
import { getPath, parseConverterSpec, type ConverterParams, type FieldMappings } from '../records.js';

export type Outcome =
  | { kind: 'record'; payload: Record<string, unknown> }
  | { kind: 'filtered' }
  | { kind: 'skipped'; reason: string; payload: Record<string, unknown> }
  | { kind: 'failed'; reason: string };

interface FieldPlan {
  field: string;
  value: (record: RawRecord) => unknown;
  /** Name given to converters as `field`: the source path, or the Oomnitza field. */
  converterField: string;
  builtin?: { name: string; fn: Converter; params: ConverterParams };
  custom?: { name: string; params: ConverterParams };
  required: boolean;
}

export interface TransformOptions {
  mappings: FieldMappings;
  settingText: Record<string, string>;
  sandbox?: SnippetSandbox;
  /** Name of the filter snippet in the sandbox, when the section has one. */
  filter?: string;
  log: Logger;
  /** Converters bound to this run (e.g. `location` with the tables loaded from Oomnitza); override built-ins. */
  converters?: Record<string, Converter>;
}

/** An own entry only: a user's name such as "constructor" must not find Object.prototype's. */
function ownConverter(converters: Record<string, Converter> | undefined, key: string): Converter | undefined {
  return converters && Object.hasOwn(converters, key) ? converters[key] : undefined;
}

/** Python truthiness, which the original uses for `required`: None, '', 0, [], {} and False are empty. */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

export class Transformer {
  private readonly plan: FieldPlan[];
  readonly usesSandbox: boolean;
  private converterWarnings = 0;

  constructor(private readonly opts: TransformOptions) {
    this.plan = Object.entries(opts.mappings).map(([field, m]) => {
      let value: FieldPlan['value'];
      if (m.source) {
        const path = m.source;
        value = (r) => getPath(r, path);
      } else if (m.setting) {
        const text = opts.settingText[m.setting] ?? null;
        value = () => text;
      } else if (m.hardcoded !== undefined) {
        const constant = m.hardcoded;
        value = () => constant;
      } else {
        value = () => null;
      }
      const plan: FieldPlan = { field, value, converterField: m.source ?? field, required: Boolean(m.required) };
      if (m.converter) {
        const { name, params } = parseConverterSpec(m.converter);
        // Bound by mapping (prepared at load), then by name (bound to this run), then the registry's.
        const fn = ownConverter(opts.converters, m.converter) ?? ownConverter(opts.converters, name.toLowerCase()) ?? getBuiltinConverter(name);
        if (fn) plan.builtin = { name, fn, params };
        else plan.custom = { name, params };
      }
      return plan;
    });
    this.usesSandbox = Boolean(opts.filter) || this.plan.some((p) => p.custom);
  }

  async transform(records: RawRecord[]): Promise<Outcome[]> {
    const payloads = records.map((r) => this.mapHost(r));
    if (!this.usesSandbox) return payloads.map((p) => this.finish(p));

    const customPlans = this.plan.filter((p) => p.custom);
    const items: SandboxItem[] = records.map((record, i) => ({
      record,
      filter: this.opts.filter,
      calls: customPlans.map((p) => ({
        converter: p.custom!.name,
        field: p.converterField,
        value: payloads[i][p.field] ?? null,
        params: p.custom!.params,
      })),
    }));
    const results = await this.opts.sandbox!.run(items);
    return results.map((res, i): Outcome => {
      if (res.filter && 'error' in res.filter) return { kind: 'failed', reason: `recordfilter failed: ${res.filter.error}` };
      if (res.filter && !res.filter.pass) return { kind: 'filtered' };
      customPlans.forEach((p, j) => {
        const out = res.values[j];
        if (out && 'error' in out) {
          this.warnConverter(p.custom!.name, p.field, out.error);
          payloads[i][p.field] = null;
        } else {
          payloads[i][p.field] = out?.value ?? null;
        }
      });
      return this.finish(payloads[i]);
    });
  }

  /** Values, built-in converters; custom converters are filled in later. */
  private mapHost(record: RawRecord): Record<string, unknown> {
    // Null prototype: field names are user text ("__proto__" must be a key, not the prototype).
    const out: Record<string, unknown> = Object.create(null);
    for (const p of this.plan) {
      let v = p.value(record);
      if (v === undefined) v = null;
      if (p.builtin) {
        try {
          v = p.builtin.fn({ field: p.converterField, record, value: v, params: p.builtin.params });
          if (v === undefined) v = null;
        } catch (err) {
          // As in the original: a converter that throws yields null and a warning.
          this.warnConverter(p.builtin.name, p.field, (err as Error).message);
          v = null;
        }
      }
      out[p.field] = v;
    }
    return out;
  }

  private finish(payload: Record<string, unknown>): Outcome {
    const missing = this.plan.filter((p) => p.required && isEmptyValue(payload[p.field])).map((p) => p.field);
    if (missing.length) return { kind: 'skipped', reason: `required field(s) empty: ${missing.join(', ')}`, payload };
    return { kind: 'record', payload };
  }

  private warnConverter(name: string, field: string, message: string): void {
    // One line per problem for the first few; a flood of identical lines helps nobody at 3 a.m.
    if (++this.converterWarnings <= 10) this.opts.log.warn(`converter "${name}" failed for ${field}: ${message}; value set to null`);
    else if (this.converterWarnings === 11) this.opts.log.warn('more converter failures; see the summary');
  }

  get converterFailures(): number {
    return this.converterWarnings;
  }
}

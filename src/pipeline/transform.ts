/**
 * Filter -> map -> convert for a chunk of raw records. Built-in converters run here, in the host; custom
 * converters and the record filter run in the sandbox, one round trip per chunk.
 * A failed converter (built-in or custom) is counted in the summary and handled as `on_converter_error` says.
 */
import type { ConverterErrorPolicy } from '../config/commonSettings.js';
import { getBuiltinConverter } from '../converters/index.js';
import type { Converter } from '../converters/types.js';
import type { Logger } from '../logging.js';
import { escapeForLog } from '../logText.js';
import type { SandboxItem, SnippetSandbox } from '../sandbox/types.js';
import type { RawRecord } from '../records.js';
import { getPath, newFieldsObject, parseConverterSpec, type ConverterParams, type FieldMappings } from '../records.js';
import type { SectionStats } from './summary.js';

export type Outcome =
  | { kind: 'record'; payload: Record<string, unknown> }
  | { kind: 'filtered' }
  | { kind: 'skipped'; reason: string; payload: Record<string, unknown> }
  /** `payload`: as far as it was mapped, so the record can be named by its sync_field values. */
  | { kind: 'failed'; reason: string; payload: Record<string, unknown> };

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
  /** What a failed converter does to its record (`on_converter_error`). Default `null`, as the original. */
  onConverterError?: ConverterErrorPolicy;
  /** Where converter failures are counted and listed: the section's summary. */
  stats?: SectionStats;
  /**
   * Names a record in messages (the pipeline uses its sync_field values and where the source read `record`);
   * `n` is its number in the section's read order. Default `record #n`.
   */
  describeRecord?: (payload: Record<string, unknown>, n: number, record: RawRecord) => string;
}

interface ConverterFailure {
  converter: string;
  field: string;
  /** Names the converter; log-safe (the sandbox quotes snippet text, built-in messages are escaped). */
  message: string;
}

/** Warnings logged one by one before they are only counted. */
const CONVERTER_WARNINGS_LOGGED = 10;

const CONSEQUENCE: Record<ConverterErrorPolicy, string> = {
  null: 'value set to null',
  skip: 'record not sent',
  fail: 'record failed',
};

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
  /** Of the plan, computed once rather than per record (measured, issue 19): the fields that must not be empty, */
  private readonly requiredPlans: FieldPlan[];
  /** and those with a custom converter, in plan order. */
  private readonly customPlans: FieldPlan[];
  readonly usesSandbox: boolean;
  private converterWarnings = 0;
  /** Number of the next record, when the caller does not number them (they arrive in read order). */
  private nextRecord = 1;
  /** Built-in converter failures of the records being mapped, by payload (set only during mapHost calls). */
  private hostFailures: Map<object, ConverterFailure[]> | undefined;

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
    this.requiredPlans = this.plan.filter((p) => p.required);
    this.customPlans = this.plan.filter((p) => p.custom);
    this.usesSandbox = Boolean(opts.filter) || this.customPlans.length > 0;
  }

  /** `firstNumber`: the number of records[0] in the section's read order (1-based), used to name records. */
  async transform(records: RawRecord[], firstNumber = this.nextRecord): Promise<Outcome[]> {
    this.nextRecord = firstNumber + records.length;
    const hostFailures = new Map<object, ConverterFailure[]>();
    this.hostFailures = hostFailures;
    const payloads = records.map((r) => this.mapHost(r));
    this.hostFailures = undefined;
    const failuresOf = (payload: object): ConverterFailure[] | undefined => (hostFailures.size ? hostFailures.get(payload) : undefined);
    if (!this.usesSandbox) return payloads.map((p, i) => this.settle(p, failuresOf(p), firstNumber + i, records[i]));

    const customPlans = this.customPlans;
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
      if (res.filter && 'error' in res.filter) return { kind: 'failed', reason: `recordfilter failed: ${res.filter.error}`, payload: payloads[i] };
      if (res.filter && !res.filter.pass) return { kind: 'filtered' };
      let failures = failuresOf(payloads[i]);
      for (let j = 0; j < customPlans.length; j++) {
        const p = customPlans[j];
        const out = res.values[j];
        if (out && 'error' in out) {
          (failures ??= []).push({ converter: p.custom!.name, field: p.field, message: out.error });
          payloads[i][p.field] = null;
        } else {
          payloads[i][p.field] = out?.value ?? null;
        }
      }
      return this.settle(payloads[i], failures, firstNumber + i, records[i]);
    });
  }

  /** Values, built-in converters; custom converters are filled in later. */
  private mapHost(record: RawRecord): Record<string, unknown> {
    // No Object.prototype: field names are user text ("__proto__" must be a key, not the prototype).
    const out: Record<string, unknown> = newFieldsObject();
    for (const p of this.plan) {
      let v = p.value(record);
      if (v === undefined) v = null;
      if (p.builtin) {
        try {
          v = p.builtin.fn({ field: p.converterField, record, value: v, params: p.builtin.params });
          if (v === undefined) v = null;
        } catch (err) {
          // As in the original: a converter that throws yields null and a warning (and on_converter_error decides more).
          this.noteHostFailure(out, p.builtin.name, p.field, err);
          v = null;
        }
      }
      out[p.field] = v;
    }
    return out;
  }

  private finish(payload: Record<string, unknown>): Outcome {
    let missing: string[] | undefined;
    for (const p of this.requiredPlans) if (isEmptyValue(payload[p.field])) (missing ??= []).push(p.field);
    if (missing) return { kind: 'skipped', reason: `required field(s) empty: ${missing.join(', ')}`, payload };
    return { kind: 'record', payload };
  }

  private noteHostFailure(payload: object, converter: string, field: string, err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    const failure = { converter, field, message: `converter "${converter}": ${escapeForLog(text)}` };
    const list = this.hostFailures?.get(payload);
    if (list) list.push(failure);
    else this.hostFailures?.set(payload, [failure]);
  }

  /** The record's outcome once all its converters ran: converter failures first, then the required fields. */
  private settle(payload: Record<string, unknown>, failures: ConverterFailure[] | undefined, n: number, record: RawRecord): Outcome {
    if (!failures?.length) return this.finish(payload);
    const policy = this.opts.onConverterError ?? 'null';
    const id = this.opts.describeRecord?.(payload, n, record) ?? `record #${n}`;
    for (const f of failures) {
      this.opts.stats?.converterError(id, `${f.field}: ${f.message}`);
      this.warnConverter(f, id, CONSEQUENCE[policy]);
    }
    if (policy === 'null') return this.finish(payload);
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed converter(s))` : '';
    const reason = `converter failed for ${failures[0].field}: ${failures[0].message}${more}`;
    return policy === 'skip' ? { kind: 'skipped', reason, payload } : { kind: 'failed', reason, payload };
  }

  private warnConverter(f: ConverterFailure, id: string, consequence: string): void {
    // One line per problem for the first few; a flood of identical lines helps nobody at 3 a.m.
    const n = ++this.converterWarnings;
    if (n <= CONVERTER_WARNINGS_LOGGED) {
      this.opts.log.warn(escapeForLog(`converter "${f.converter}" failed for ${f.field} of ${id}: ${f.message}; ${consequence}`, 1000));
    } else if (n === CONVERTER_WARNINGS_LOGGED + 1) {
      this.opts.log.warn('more converter failures are not logged one by one; the summary counts them all');
    }
  }

  get converterFailures(): number {
    return this.converterWarnings;
  }
}

/**
 * The offboarding settings every source section accepts (src/offboarding/README.md): a record missing from the
 * source for `retire_after_runs` complete runs is pushed once, update-only, with `retire_mapping`. Declared here
 * (config layer) so that the checks run when the config loads: a malformed value is a config error with file:line.
 */
import { setting } from './settings.js';

/** `retire_max`: a count of records, or a percentage of the records the previous run saw. */
export type RetireMax = { count: number } | { percent: number };

export function parseRetireMax(raw: string): RetireMax {
  const text = raw.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) {
    const p = Number(percent[1]);
    if (p > 100) throw new Error(`"${raw}" is above 100%`);
    return { percent: p };
  }
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) return { count: Number(text) };
  throw new Error(`"${raw}" is neither a count (e.g. 50) nor a percentage (e.g. 5%)`);
}

/** The fields written on a retired record, e.g. {"STATUS": "Retired"}; `{"hardcoded": v}` values are accepted too. */
export type RetireMapping = Record<string, unknown>;

export function parseRetireMapping(raw: string): RetireMapping {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message}); write e.g. {"STATUS": "Retired"}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('must be a JSON object of Oomnitza fields and the values a retired record gets, e.g. {"STATUS": "Retired"}');
  }
  const out: RetireMapping = Object.create(null);
  for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
    if (!field.trim() || /\s/.test(field)) throw new Error(`"${field}" is not an Oomnitza field name`);
    // The mappings' syntax for a constant: {"hardcoded": value}. Anything else that is an object is a mistake
    // (a "source" here would have no record to read from).
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length !== 1 || keys[0] !== 'hardcoded') {
        throw new Error(`${field}: a retired record has no source values; give a value or {"hardcoded": value}`);
      }
      out[field.toUpperCase()] = (v as { hardcoded: unknown }).hardcoded;
    } else {
      out[field.toUpperCase()] = v;
    }
  }
  if (Object.keys(out).length === 0) throw new Error('names no field: a retired record would carry nothing that marks it retired');
  return out;
}

export const offboardingSettings = {
  retire_missing: setting.bool({
    description: 'Push records that disappeared from the source (retire_after_runs complete runs in a row) once more, update-only, with retire_mapping.',
  }),
  retire_mapping: {
    ...setting.json<RetireMapping>({ default: {}, description: 'JSON object of Oomnitza fields and the values a retired record gets, e.g. {"STATUS": "Retired"}.' }),
    parse: parseRetireMapping,
  },
  retire_after_runs: setting.int({
    default: 2, min: 1, max: 1000,
    description: 'Complete runs in a row a record must be missing from before it is retired.',
  }),
  retire_max: setting.string({
    default: '5%',
    check: (v) => void parseRetireMax(v),
    description: 'Most records one run may retire: a count, or a percentage of the records the previous run saw (e.g. 5%). Above it nothing is retired, the run exits 1 and `connector retire <section> --confirm N` applies it after review.',
  }),
};

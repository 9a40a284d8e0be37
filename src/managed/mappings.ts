/**
 * Record conversion of a managed run (managed fact sheet §10): the cloud's mappings (O4, `FIELD -> {type, value}`),
 * the INI's `mapping.FIELD` lines over them, APPLICATIONS / SAAS forced when software / saas info is on. Attribute
 * mappings are templates rendered native against the record's top-level keys, escaped as the original escapes them.
 */
import type { FieldMappings } from '../records.js';
import type { ContextScope, TemplateEngine } from './template/types.js';
import { FALLBACK, evaluatePath, parsePath } from './fastPath.js';
import { isPlainObject } from './settings.js';

export interface ManagedMapping {
  type: string;
  value: unknown;
  /** From the INI only: applied after rendering, as in upload mode. */
  converter?: string;
  required?: boolean;
}

export type ManagedMappings = Record<string, ManagedMapping>;

/** Characters of a top-level record key replaced before it becomes a template variable (§10), in this order. */
const ESCAPES: Array<[string, string]> = [
  ['.', '_DOT_'], [':', '_COLON_'], ['-', '_DASH_'], ['#', '_HASH_'], ['$', '_DOLLAR_'], ['@', '_AT_'], ['/', '_SLASH_'],
  ['*', '_STAR_'], ['!', '_EXCLAIM_'], ['£', '_POUND_'], ['%', '_PERCENT_'], ['^', '_CIRCUM_'], ['?', '_QUES_'],
  ['=', '_EQUAL_'], ['+', '_PLUS_'], ['&', '_AMPERSAND_'], ['<', '_LESSTHAN_'], ['>', '_GRTRTHAN_'], ['(', '_OPENBRAC_'],
  [')', '_CLOSEBRAC_'], [' ', '_SPACE_'],
];
/** Whole keys that are Jinja keywords or constants (a key "None" would otherwise read as None). */
const RESERVED: Record<string, string> = {
  not: '_NOT_', self: '_SELF_', False: '_FALSE_', None: '_NONE_', True: '_TRUE_', false: '_FALSE_', true: '_TRUE_',
};

/** Any character ESCAPES replaces: most keys have none, and skip the 21 split/join passes (one per key per record). */
const NEEDS_ESCAPE = /[.:\-#$@/*!£%^?=+&<>() ]/;

export function escapeKey(key: string): string {
  if (!NEEDS_ESCAPE.test(key)) return Object.hasOwn(RESERVED, key) ? RESERVED[key] : key;
  let out = key;
  for (const [from, to] of ESCAPES) out = out.split(from).join(to);
  return Object.hasOwn(RESERVED, out) ? RESERVED[out] : out;
}

/** The record's top-level keys escaped; nested keys stay as they are (`os['@version']` works). */
export function escapeRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(record)) out[escapeKey(k)] = v;
  return out;
}

/**
 * The mappings in effect: cloud, then local (INI `mapping.FIELD`: `source` → attribute, `hardcoded` → value, `setting`
 * → that setting's text; a line with only `converter`/`required` adds them to the cloud's mapping), then forced ones.
 */
export function effectiveManagedMappings(
  cloud: unknown,
  local: FieldMappings,
  settingText: Record<string, string>,
  forced: { software: boolean; saas: boolean },
): ManagedMappings {
  const out: ManagedMappings = Object.create(null);
  if (isPlainObject(cloud)) {
    for (const [field, m] of Object.entries(cloud)) {
      if (isPlainObject(m)) out[field] = { type: typeof m.type === 'string' ? m.type : String(m.type), value: m.value };
    }
  }
  for (const [field, m] of Object.entries(local)) {
    const extras = { ...(m.converter ? { converter: m.converter } : {}), ...(m.required !== undefined ? { required: m.required } : {}) };
    const typed = (m as { type?: unknown }).type;
    if (m.source !== undefined) out[field] = { type: typeof typed === 'string' ? typed : 'attribute', value: m.source, ...extras };
    else if (m.hardcoded !== undefined) out[field] = { type: 'value', value: m.hardcoded, ...extras };
    else if (m.setting !== undefined) out[field] = { type: 'value', value: settingText[m.setting] ?? null, ...extras };
    else if (Object.hasOwn(out, field)) out[field] = { ...out[field], ...extras };
    else out[field] = { type: 'value', value: null, ...extras };
  }
  if (forced.software) out.APPLICATIONS = { ...(out.APPLICATIONS ?? {}), type: 'attribute', value: 'software' };
  if (forced.saas) out.SAAS = { ...(out.SAAS ?? {}), type: 'attribute', value: 'saas' };
  return out;
}

/** Parsed path templates (null: not a path), shared by every run: templates are few, records many. */
const pathCache = new Map<string, ReturnType<typeof parsePath> | null>();

function cachedPath(template: string): ReturnType<typeof parsePath> | null {
  let steps = pathCache.get(template);
  if (steps === undefined) {
    // A daemon sees the templates of every integration it ever ran: keep the cache bounded.
    if (pathCache.size >= 10_000) pathCache.clear();
    steps = parsePath(template) ?? null;
    pathCache.set(template, steps);
  }
  return steps;
}

const TEMPLATE_MARK = /\{\{|\}\}|\{%|%\}/;

/** An attribute mapping's template: as written when it is one, else `{{value}}` (so `profile.email` works). */
export function attributeTemplate(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return TEMPLATE_MARK.test(text) ? text : `{{${text}}}`;
}

/** Values fixed for the whole run: catalog inputs rendered once, the credential's name once (or why not). */
export interface RunConstants {
  catalog: Record<string, unknown>;
  credentialName?: { value: unknown } | { error: string };
}

export type Mapped = { payload: Record<string, unknown> } | { error: string };

/** Maps one record; a failure names the mapping value and the error as §11.3 says. */
export async function mapRecord(
  record: unknown,
  mappings: ManagedMappings,
  engine: TemplateEngine,
  constants: RunConstants,
  opts: { fastPath?: boolean } = {},
): Promise<Mapped> {
  const useFastPath = opts.fastPath ?? true;
  const fields = Object.entries(mappings);
  const fail = (value: unknown, why: string): Mapped => ({
    error: `Failed to process the mapping value: ${typeof value === 'string' ? value : JSON.stringify(value)}. The error is: ${why}`,
  });
  if (!isPlainObject(record)) return fail(fields[0]?.[1].value ?? '', `the record is ${record === null ? 'null' : Array.isArray(record) ? 'a list' : `a ${typeof record}`}, not an object`);
  const payload: Record<string, unknown> = Object.create(null);
  let scope: ContextScope | undefined;
  let escaped: Record<string, unknown> | undefined;
  try {
    for (const [field, m] of fields) {
      switch (m.type) {
        case 'attribute': {
          const template = attributeTemplate(m.value);
          const steps = useFastPath ? cachedPath(template) : null;
          if (steps) {
            escaped ??= escapeRecord(record);
            const fast = evaluatePath(steps, escaped);
            if (fast !== FALLBACK) {
              payload[field] = fast;
              break;
            }
          }
          escaped ??= escapeRecord(record);
          scope ??= await engine.scope(escaped);
          try {
            const v = await scope.render(template, 'native');
            payload[field] = v === undefined ? null : v;
          } catch (err) {
            return fail(m.value, (err as Error).message);
          }
          break;
        }
        case 'value':
          payload[field] = m.value ?? null;
          break;
        case 'catalog_input':
          payload[field] = Object.hasOwn(constants.catalog, field) ? constants.catalog[field] : 'None';
          break;
        case 'credential_input': {
          const c = constants.credentialName;
          if (!c) return fail(m.value, 'the integration has no credential_id in saas_authorization');
          if ('error' in c) return fail(m.value, c.error);
          payload[field] = c.value ?? null;
          break;
        }
        default:
          return fail(m.value, `Field ${field} is not configured correctly (unknown mapping type ${JSON.stringify(m.type)})`);
      }
    }
  } finally {
    await scope?.release();
  }
  return { payload };
}

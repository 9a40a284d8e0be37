/**
 * `[managed.N]` and `[managed_reports.N]` sections (managed fact sheet §4, §5): what config.ini adds to an
 * integration the cloud defines. Read with the project's INI reader like every other section (the original uses
 * Python's standard ConfigParser for these two: `%` interpolation, inline comments kept; README lists it), validated
 * at start-up so that every invalid shape is a config error with file:line before any network call.
 *
 * An empty value means "not set": the cloud's value (or the default) is used. The original lets an empty line
 * override the cloud, so a Docker `.env` template with an empty `saas_authorization =` wiped a cloud session config.
 */
import path from 'node:path';
import { commonSettings, secretBackendSettings } from '../config/commonSettings.js';
import type { IniDocument, IniSection } from '../config/iniReader.js';
import { secretsFor } from '../config/loadConfig.js';
import { setting } from '../config/settings.js';
import { validateSettings } from '../config/validate.js';
import { getBuiltinConverter } from '../converters/index.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { TlsSettings } from '../http/types.js';
import { redactor } from '../logging.js';
import { parseConverterSpec, parseMappingValue, type FieldMappings } from '../records.js';
import { checkSnippetSyntax } from '../sandbox/syntax.js';
import type { SnippetSource } from '../sandbox/types.js';
import type { ManagedFetchModule, SaasAuthorization } from './fetch/types.js';
import { parseFlag } from './values.js';

/** How a run's Oomnitza token is chosen (§2.3): the `[oomnitza]` one, a literal token, or one stored in Oomnitza. */
export type OomnitzaAuthorization = { kind: 'base' } | { kind: 'token'; token: string } | { kind: 'token_id'; tokenId: string | number };

/** Checked (with file:line) by readOne, which also needs to tell "empty" from False. */
const flag = (description: string) => setting.string({ description });

export const managedSettings = {
  saas_authorization: setting.secret({
    description: 'How to authenticate to the SaaS API: {"headers": {...}} and/or {"params": {...}} (JSON), or empty to use the cloud\'s (e.g. a session login).',
  }),
  oomnitza_authorization: setting.secret({
    description: 'Oomnitza API token for this integration\'s uploads (default: the [oomnitza] one); {"token_id": N} uses a token stored in Oomnitza.',
  }),
  local_inputs: setting.secret({ description: 'JSON object overriding the cloud\'s inputs key by key (kept local, e.g. secrets).' }),
  test_run: flag('True: a test run (first 10 records, marked test_run in Oomnitza). Empty: the cloud decides.'),
  is_custom: flag('True with a test run: save the first SaaS response to ./save_data/<name>.json and send nothing.'),
  enable: commonSettings.enable,
  sync_field: commonSettings.sync_field,
  insert_only: flag('Only create records (overrides the cloud).'),
  update_only: flag('Only update records (overrides the cloud).'),
  verify_ssl: commonSettings.verify_ssl,
  cacert_file: commonSettings.cacert_file,
  cacert_dir: commonSettings.cacert_dir,
  ssl_protocol: commonSettings.ssl_protocol,
  use_server_map: commonSettings.use_server_map,
  vault_backend: commonSettings.vault_backend,
  vault_keys: commonSettings.vault_keys,
  vault_alias: commonSettings.vault_alias,
  ...secretBackendSettings(),
  recordfilter: commonSettings.recordfilter,
  on_converter_error: commonSettings.on_converter_error,
  max_converter_output: commonSettings.max_converter_output,
  max_converter_chunk_output: commonSettings.max_converter_chunk_output,
  only_if_filled: commonSettings.only_if_filled,
  dont_overwrite: commonSettings.dont_overwrite,
  user_pem_file: commonSettings.user_pem_file,
  connector_bulk_mode: commonSettings.connector_bulk_mode,
};

/** What one `[managed.N]` / `[managed_reports.N]` section says, parsed. Keys left empty are absent. */
export interface ManagedSection {
  name: string;
  kind: 'managed' | 'managed_reports';
  id: string;
  file: string;
  line: number;
  saasAuthorization?: SaasAuthorization;
  oomnitzaAuthorization?: OomnitzaAuthorization;
  localInputs?: Record<string, unknown>;
  testRun?: boolean;
  isCustom?: boolean;
  insertOnly?: boolean;
  updateOnly?: boolean;
  syncField?: string[];
  tls: TlsSettings;
  useServerMap: boolean;
  iniMappings: FieldMappings;
  /** Every setting as text, for `{"setting": ...}` mappings. */
  settingText: Record<string, string>;
  filter?: SnippetSource;
  onConverterError: 'null' | 'skip' | 'fail';
  maxConverterOutput: number;
  maxConverterChunkOutput: number;
}

export function managedSectionKey(kind: ManagedSection['kind'], id: string | number): string {
  return `${kind}.${String(id)}`;
}

/** True for section names this module reads. */
export function isManagedSectionName(name: string): boolean {
  return /^managed(_reports)?\./.test(name);
}

/**
 * Reads every managed section of the document; every problem becomes a ConfigError in `errors`, warnings (unknown
 * settings) in `warnings`. `customConverters`: names from [converters].
 */
export async function readManagedSections(
  doc: IniDocument,
  fetch: Pick<ManagedFetchModule, 'parseSaasAuthorization'>,
  customConverters: Set<string>,
  errors: ConfigError[],
  warnings: string[],
): Promise<Map<string, ManagedSection>> {
  const out = new Map<string, ManagedSection>();
  for (const section of doc.sections.values()) {
    if (!isManagedSectionName(section.name)) continue;
    const parsed = await readOne(doc, section, fetch, customConverters, errors, warnings);
    if (parsed) out.set(section.name, parsed);
  }
  return out;
}

async function readOne(
  doc: IniDocument,
  section: IniSection,
  fetch: Pick<ManagedFetchModule, 'parseSaasAuthorization'>,
  customConverters: Set<string>,
  errors: ConfigError[],
  warnings: string[],
): Promise<ManagedSection | undefined> {
  const file = doc.file;
  const dot = section.name.indexOf('.');
  const kind = section.name.slice(0, dot) as ManagedSection['kind'];
  const id = section.name.slice(dot + 1).trim();
  const before = errors.length;
  const at = (key?: string) => ({ file, line: (key && section.entries.get(key)?.line) || section.line, section: section.name, key });
  if (!id) errors.push(new ConfigError(at(), `the section name needs the integration id: [${kind}.<ID>] (the number in the integration's URL)`));

  const secrets = await secretsFor(doc, section, errors);
  const configDir = path.dirname(path.resolve(file));
  const v = validateSettings(managedSettings, section.entries, secrets, { file, section: section.name, sectionLine: section.line, configDir });
  errors.push(...v.errors);
  for (const key of ['saas_authorization', 'oomnitza_authorization', 'local_inputs']) {
    if (typeof v.values[key] === 'string' && v.values[key]) redactor.add(v.values[key] as string);
  }
  const text = (key: string): string | undefined => {
    const value = secrets[key] ?? section.entries.get(key)?.value;
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const tryParse = <T>(key: string, parse: (raw: string) => T): T | undefined => {
    const raw = text(key);
    if (raw === undefined) return undefined;
    try {
      return parse(raw);
    } catch (err) {
      errors.push(new ConfigError(at(key), errorMessage(err)));
      return undefined;
    }
  };

  const result: ManagedSection = {
    name: section.name,
    kind,
    id,
    file,
    line: section.line,
    saasAuthorization: kind === 'managed' ? tryParse('saas_authorization', (raw) => fetch.parseSaasAuthorization(raw)) : undefined,
    oomnitzaAuthorization: tryParse('oomnitza_authorization', parseIniOomnitzaAuthorization),
    localInputs: tryParse('local_inputs', parseLocalInputs),
    testRun: tryParse('test_run', parseFlag),
    isCustom: tryParse('is_custom', parseFlag),
    insertOnly: tryParse('insert_only', parseFlag),
    updateOnly: tryParse('update_only', parseFlag),
    syncField: text('sync_field') === undefined ? undefined : (v.values.sync_field as string[]),
    tls: {
      verify: v.values.verify_ssl as boolean,
      caFile: (v.values.cacert_file as string) || undefined,
      caDir: (v.values.cacert_dir as string) || undefined,
      protocol: v.values.ssl_protocol as string,
    },
    useServerMap: v.values.use_server_map as boolean,
    iniMappings: Object.create(null) as FieldMappings,
    settingText: Object.assign(Object.create(null) as Record<string, string>, v.text),
    onConverterError: v.values.on_converter_error as ManagedSection['onConverterError'],
    maxConverterOutput: v.values.max_converter_output as number,
    maxConverterChunkOutput: v.values.max_converter_chunk_output as number,
  };
  if (kind === 'managed_reports' && text('saas_authorization') !== undefined) {
    warnings.push(`${file}:${at('saas_authorization').line}: [${section.name}] saas_authorization: not used by an export-file integration (ignored)`);
  }
  if (result.insertOnly && result.updateOnly) errors.push(new ConfigError(at('update_only'), 'insert_only and update_only cannot both be True'));

  for (const entry of section.entries.values()) {
    if (!entry.key.startsWith('mapping.')) {
      if (!Object.hasOwn(managedSettings, entry.key)) warnings.push(`${file}:${entry.line}: [${section.name}] ${entry.key}: unknown setting (ignored)`);
      continue;
    }
    const rest = entry.key.slice('mapping.'.length);
    if (!rest || rest.includes('.') || /\s/.test(rest)) {
      errors.push(new ConfigError(at(entry.key), `"${entry.key}" does not name one Oomnitza field: write mapping.FIELD = <source>`));
      continue;
    }
    const field = rest.toUpperCase();
    try {
      const mapping = parseMappingValue(entry.value);
      if (mapping.converter) {
        const name = parseConverterSpec(mapping.converter).name;
        if (!getBuiltinConverter(name) && !customConverters.has(name)) throw new Error(`unknown converter "${name}" (define it in [converters] or use a built-in one)`);
      }
      if (mapping.setting && !Object.hasOwn(result.settingText, mapping.setting) && !section.entries.has(mapping.setting)) {
        throw new Error(`"setting": "${mapping.setting}" is not a setting of this section`);
      }
      result.iniMappings[field] = mapping;
    } catch (err) {
      errors.push(new ConfigError({ file, line: entry.line, section: section.name, key: `mapping.${field}` }, errorMessage(err)));
    }
  }
  const filterEntry = section.entries.get('recordfilter');
  if (filterEntry?.value) {
    result.filter = { name: 'recordfilter', kind: 'filter', code: filterEntry.value, file, line: filterEntry.valueLine };
    const syntax = checkSnippetSyntax(result.filter);
    if (syntax) errors.push(new ConfigError(at('recordfilter'), `does not compile: ${syntax}`));
  }
  for (const e of section.entries.values()) if (!e.key.startsWith('mapping.') && !(e.key in result.settingText)) result.settingText[e.key] = e.value;
  Object.assign(result.settingText, secrets);
  return errors.length > before ? undefined : result;
}

/**
 * The INI's `oomnitza_authorization`: a token as is; `{"token_id": N}` names a token stored in Oomnitza (the original
 * takes that text literally as a token, which cannot work; README lists the difference). Other JSON is an error.
 */
export function parseIniOomnitzaAuthorization(raw: string): OomnitzaAuthorization {
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`Oomnitza authorization format is invalid: not valid JSON (${errorMessage(err)}); give the token itself, or {"token_id": N}`);
    }
    return parseCloudOomnitzaAuthorization(parsed);
  }
  return { kind: 'token', token: text };
}

/** The cloud's `oomnitza_authorization` (§2.3): empty → base token; a string → that token; {token_id} → O5. */
export function parseCloudOomnitzaAuthorization(value: unknown): OomnitzaAuthorization {
  if (value === undefined || value === null || value === '' || (isPlainObject(value) && Object.keys(value).length === 0)) return { kind: 'base' };
  if (typeof value === 'string') return { kind: 'token', token: value };
  if (isPlainObject(value)) {
    const id = value.token_id;
    if ((typeof id === 'number' && id !== 0) || (typeof id === 'string' && id !== '')) return { kind: 'token_id', tokenId: id };
  }
  throw new Error('Oomnitza authorization format is invalid: expected a token, or an object with a non-empty "token_id"');
}

/** `local_inputs` (§8.1): a JSON object (from the INI, a string; from the cloud, either). */
export function parseLocalInputs(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new Error(`local_inputs is not valid JSON (${errorMessage(err)})`);
    }
  }
  if (!isPlainObject(parsed)) throw new Error('local_inputs must be a JSON object, e.g. {"api_url": "https://..."}');
  return parsed;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Turns config.ini into validated sections, reporting every problem at once before any work starts.
 * Order matters: secrets are loaded first (a required password may live only in the backend), then
 * settings are validated, mappings parsed, snippets syntax-checked and each source's create() run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ConfigErrors, errorMessage, TransientError } from '../errors.js';
import { getBuiltinConverter } from '../converters/index.js';
import type { Converter } from '../converters/types.js';
import { getLogger, redactor } from '../logging.js';
import { oomnitzaSettings, type OomnitzaSettings } from '../oomnitza/settings.js';
import { parseConverterSpec, parseMappingValue, type FieldMappings } from '../records.js';
import { checkSnippetSyntax } from '../sandbox/syntax.js';
import type { SnippetSource } from '../sandbox/types.js';
import { findSource, hasSource, loadAllSources, sourceTypes } from '../sources/registry.js';
import type { SourcePlugin } from '../sources/types.js';
import { commonSettings } from './commonSettings.js';
import { parseIni, type IniDocument, type IniSection } from './iniReader.js';
import { parseBool, type SettingsOf } from './settings.js';
import { validateSettings } from './validate.js';

export type CommonValues = SettingsOf<typeof commonSettings>;

export interface SectionConfig {
  /** As written: `ldap.Contractors`. */
  name: string;
  /** Registry key: `ldap`. */
  type: string;
  plugin: SourcePlugin<any>;
  /** The plugin's own settings, typed and defaulted. */
  settings: Record<string, unknown>;
  common: CommonValues;
  /** Every setting as text (plugin and common), for `{"setting": ...}` mappings. */
  settingText: Record<string, string>;
  /** `mapping.X` lines, in file order, field names upper-cased as in the original. */
  iniMappings: FieldMappings;
  /**
   * Built-in converters prepared when the config loaded (params checked, files read; see ConverterPrepare), by
   * the converter spec as written (`mac_model_from_sn:table=models.csv`). Null prototype: specs are user text.
   */
  converters: Record<string, Converter>;
  filter?: SnippetSource;
  file: string;
  line: number;
  /** Line of each key in the section, for errors raised after loading. */
  lines: Record<string, number>;
}

export interface Config {
  file: string;
  dir: string;
  oomnitza: OomnitzaSettings;
  /** Custom converters from `[converters]`. */
  converters: SnippetSource[];
  sections: SectionConfig[];
  warnings: string[];
  /** The parsed file, for readers of sections outside the source registry (managed mode). */
  doc: IniDocument;
}

export interface LoadOptions {
  /** Sections named on the command line; each must exist (and be enabled when requireEnabled). */
  sections: string[];
  requireEnabled: boolean;
}

const SPECIAL = new Set(['oomnitza', 'converters']);
const log = getLogger('config');

export async function loadConfig(file: string, opts: LoadOptions): Promise<Config> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError({ file }, `cannot read the config file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}); create one with "connector generate-ini --ini ${file}"`);
  }
  const doc = parseIni(text, file);
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const dir = configDirOf(doc);

  const converters = readConverters(doc, errors);
  const customNames = new Set(converters.map((c) => c.name));

  const oomnitzaSection = doc.sections.get('oomnitza');
  let oomnitza: OomnitzaSettings | undefined;
  if (!oomnitzaSection) {
    errors.push(new ConfigError({ file, section: 'oomnitza' }, 'the [oomnitza] section is missing (url and api_token or username/password)'));
  } else {
    oomnitza = await readOomnitza(doc, oomnitzaSection, errors, warnings);
  }

  const sections: SectionConfig[] = [];
  for (const name of opts.sections) {
    const section = doc.sections.get(name);
    if (!section) {
      const available = [...doc.sections.keys()].filter((s) => !SPECIAL.has(s));
      errors.push(
        new ConfigError({ file, section: name }, `no such section in the config${available.length ? ` (sections: ${available.join(', ')})` : ''}`),
      );
      continue;
    }
    const loaded = await readSection(doc, section, customNames, opts, errors, warnings);
    if (loaded) sections.push(loaded);
  }

  for (const [name, section] of doc.sections) {
    if (SPECIAL.has(name) || opts.sections.includes(name) || name.startsWith('managed')) continue;
    if (!hasSource(sectionType(name))) {
      // A config carried over from the original lists every source; only an enabled one deserves a warning.
      const message = `${file}:${section.line}: [${name}]: section type "${sectionType(name)}" is not supported by this version; ignored`;
      if (isEnabled(section)) warnings.push(message);
      else log.debug(message);
    }
  }

  if (errors.length) throw new ConfigErrors(errors);
  for (const w of warnings) log.warn(w);
  return { file, dir, oomnitza: oomnitza!, converters, sections, warnings, doc };
}

function isEnabled(section: IniSection): boolean {
  try {
    return parseBool(section.entries.get('enable')?.value ?? 'false');
  } catch {
    return false;
  }
}

/** Relative paths in the INI (cacert_file, filename, table=...) resolve against its folder. */
function configDirOf(doc: IniDocument): string {
  return path.dirname(path.resolve(doc.file));
}

export function sectionType(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function readConverters(doc: IniDocument, errors: ConfigError[]): SnippetSource[] {
  const section = doc.sections.get('converters');
  if (!section) return [];
  const out: SnippetSource[] = [];
  for (const entry of section.entries.values()) {
    const snippet: SnippetSource = { name: entry.key, kind: 'converter', code: entry.value, file: doc.file, line: entry.valueLine };
    if (getBuiltinConverter(entry.key)) {
      errors.push(new ConfigError({ file: doc.file, line: entry.line, section: 'converters', key: entry.key }, 'a custom converter cannot reuse the name of a built-in converter'));
      continue;
    }
    const syntax = checkSnippetSyntax(snippet);
    if (syntax) errors.push(new ConfigError({ file: doc.file, line: entry.line, section: 'converters', key: entry.key }, `does not compile: ${syntax}`));
    else out.push(snippet);
  }
  return out;
}

/** Loads the section's vault_keys from its backend; values become redacted everywhere. */
export async function secretsFor(doc: IniDocument, section: IniSection, errors: ConfigError[]): Promise<Record<string, string>> {
  const raw = Object.fromEntries([...section.entries.values()].map((e) => [e.key, e.value]));
  const keys = (raw.vault_keys ?? '').split(/\s+/).filter(Boolean);
  if (keys.length === 0) return {};
  try {
    // Loaded only for a section that has vault_keys: the backends (keyring's native module, Vault/CyberArk clients)
    // cost start-up time that a config without secrets in a store should not pay.
    const { loadSecrets } = await import('../secrets/index.js');
    const secrets = await loadSecrets({
      section: section.name,
      alias: raw.vault_alias || section.name,
      backend: (raw.vault_backend || 'keyring').toLowerCase(),
      keys,
      settings: raw,
      configFile: doc.file,
      line: section.entries.get('vault_keys')?.line,
    });
    for (const value of Object.values(secrets)) redactor.add(value);
    return secrets;
  } catch (err) {
    // A secret store that is down is not a config mistake: exit 1 with its message, not 2.
    if (err instanceof TransientError) throw err;
    if (err instanceof ConfigErrors) errors.push(...err.errors);
    else if (err instanceof ConfigError) errors.push(err);
    else errors.push(new ConfigError({ file: doc.file, section: section.name, key: 'vault_keys' }, errorMessage(err)));
    return {};
  }
}

async function readOomnitza(doc: IniDocument, section: IniSection, errors: ConfigError[], warnings: string[]): Promise<OomnitzaSettings> {
  const secrets = await secretsFor(doc, section, errors);
  const where = { file: doc.file, section: 'oomnitza', sectionLine: section.line, configDir: configDirOf(doc) };
  const v = validateSettings(oomnitzaSettings, section.entries, secrets, where);
  errors.push(...v.errors);
  warnUnknown(doc, section, new Set(Object.keys(oomnitzaSettings)), warnings);
  redactSecretLooking(section);
  registerSecrets(oomnitzaSettings, v.values);
  const o = v.values as OomnitzaSettings;
  if (v.errors.length === 0 && !o.api_token && !(o.username && o.password) && !o.user_pem_file) {
    errors.push(new ConfigError({ file: doc.file, line: section.line, section: 'oomnitza', key: 'api_token' }, 'set api_token, or username and password, to authenticate with Oomnitza'));
  }
  return o;
}

async function readSection(
  doc: IniDocument,
  section: IniSection,
  customConverters: Set<string>,
  opts: LoadOptions,
  errors: ConfigError[],
  warnings: string[],
): Promise<SectionConfig | undefined> {
  const file = doc.file;
  const type = sectionType(section.name);
  const plugin = await findSource(type);
  if (!plugin) {
    errors.push(new ConfigError({ file, line: section.line, section: section.name }, `unknown section type "${type}"; known types: ${sourceTypes.join(', ')}`));
    return undefined;
  }
  const secrets = await secretsFor(doc, section, errors);
  const where = { file, section: section.name, sectionLine: section.line, configDir: configDirOf(doc) };
  const own = validateSettings(plugin.settings, section.entries, secrets, where);
  const common = validateSettings(commonSettings, section.entries, secrets, where);
  const before = errors.length;
  errors.push(...own.errors, ...common.errors);
  registerSecrets(plugin.settings, own.values);

  const c = common.values as CommonValues;
  // A source may declare its own sync_field default (the original's Workday: USER); the common setting has none.
  if (c.sync_field.length === 0 && Array.isArray(own.values.sync_field)) c.sync_field = own.values.sync_field as string[];
  if (opts.requireEnabled && common.errors.length === 0 && !c.enable) {
    errors.push(new ConfigError({ file, line: section.entries.get('enable')?.line ?? section.line, section: section.name, key: 'enable' }, 'section is not enabled; set "enable = True" to run it'));
  }
  if (c.sync_mode === 'incremental' && !plugin.incremental) {
    // An error path: every source is loaded to name those that can.
    const able = [...(await loadAllSources()).values()].filter((p) => p.incremental).map((p) => p.name).sort();
    errors.push(new ConfigError({ file, line: section.entries.get('sync_mode')?.line, section: section.name, key: 'sync_mode' },
      `sync_mode = incremental: [${type}] cannot read incrementally (its API cannot list only what changed); sources that can: ${able.join(', ')}`));
  } else if (c.sync_mode === 'incremental' && own.errors.length === 0) {
    const why = plugin.incremental?.unavailable?.(own.values);
    if (why) errors.push(new ConfigError({ file, line: section.entries.get('sync_mode')?.line, section: section.name, key: 'sync_mode' }, `sync_mode = incremental: ${why}`));
  }
  if (c.insert_only && c.update_only) {
    errors.push(new ConfigError({ file, line: section.entries.get('update_only')?.line, section: section.name, key: 'update_only' }, 'insert_only and update_only cannot both be True'));
  }
  if (common.errors.length === 0 && c.retire_missing) {
    const at = (key: string) => ({ file, line: section.entries.get(key)?.line ?? section.entries.get('retire_missing')?.line, section: section.name, key });
    if (c.sync_field.length === 0) errors.push(new ConfigError(at('sync_field'), 'retire_missing needs sync_field: a retired record is found in Oomnitza by its sync_field values'));
    if (Object.keys(c.retire_mapping).length === 0) errors.push(new ConfigError(at('retire_mapping'), 'retire_missing needs retire_mapping, the fields a retired record gets, e.g. {"STATUS": "Retired"}'));
    if (c.insert_only) errors.push(new ConfigError(at('insert_only'), 'retire_missing cannot be used with insert_only: retiring updates existing records'));
  }

  // Null prototypes: field names, converter specs and setting names are the admin's text ("constructor" included).
  const iniMappings: FieldMappings = Object.create(null);
  const converters: Record<string, Converter> = Object.create(null);
  const prepare = (spec: string) => {
    const { name, params } = parseConverterSpec(spec);
    const builtin = getBuiltinConverter(name);
    if (builtin?.prepare && !(spec in converters)) converters[spec] = builtin.prepare(params, { configDir: configDirOf(doc) });
  };
  for (const entry of section.entries.values()) {
    if (!entry.key.startsWith('mapping.')) continue;
    // As the original: the field is the part after "mapping.", upper-cased (`mapping.serial_number` -> SERIAL_NUMBER).
    const rest = entry.key.slice('mapping.'.length);
    if (!rest || rest.includes('.') || /\s/.test(rest)) {
      errors.push(new ConfigError({ file, line: entry.line, section: section.name, key: entry.key },
        `"${entry.key}" does not name one Oomnitza field: write mapping.FIELD = <source> (e.g. mapping.SERIAL_NUMBER = serial)`));
      continue;
    }
    const field = rest.toUpperCase();
    const loc = { file, line: entry.line, section: section.name, key: `mapping.${field}` };
    try {
      const mapping = parseMappingValue(entry.value);
      if (mapping.converter) {
        const name = parseConverterSpec(mapping.converter).name;
        if (!getBuiltinConverter(name) && !customConverters.has(name)) {
          throw new Error(`unknown converter "${name}" (define it in [converters] or use a built-in one)`);
        }
        prepare(mapping.converter);
      }
      if (mapping.setting && !Object.hasOwn(own.text, mapping.setting) && !Object.hasOwn(common.text, mapping.setting) && !section.entries.has(mapping.setting)) {
        throw new Error(`"setting": "${mapping.setting}" is not a setting of this section`);
      }
      iniMappings[field] = mapping;
    } catch (err) {
      errors.push(new ConfigError(loc, errorMessage(err)));
    }
  }

  for (const spec of Object.values(plugin.defaultConverters ?? {})) {
    try {
      prepare(spec);
    } catch (err) {
      errors.push(new ConfigError({ file, line: section.line, section: section.name }, `default converter "${spec}": ${errorMessage(err)}`));
    }
  }

  let filter: SnippetSource | undefined;
  const filterEntry = section.entries.get('recordfilter');
  if (filterEntry?.value) {
    filter = { name: 'recordfilter', kind: 'filter', code: filterEntry.value, file, line: filterEntry.valueLine };
    const syntax = checkSnippetSyntax(filter);
    if (syntax) errors.push(new ConfigError({ file, line: filterEntry.line, section: section.name, key: 'recordfilter' }, `does not compile: ${syntax}`));
  }

  const known = new Set([...Object.keys(plugin.settings), ...Object.keys(commonSettings)]);
  warnUnknown(doc, section, known, warnings);
  redactSecretLooking(section);
  if (errors.length > before) return undefined;

  // Values the admin wrote but the schema does not know (e.g. for `{"setting": "x"}`) still count as text.
  const settingText: Record<string, string> = Object.create(null);
  for (const e of section.entries.values()) if (!e.key.startsWith('mapping.')) settingText[e.key] = e.value;
  Object.assign(settingText, common.text, own.text, secrets);

  return {
    name: section.name,
    type,
    plugin,
    settings: own.values,
    common: c,
    settingText,
    iniMappings,
    converters,
    filter,
    file,
    line: section.line,
    lines: Object.assign(Object.create(null), Object.fromEntries([...section.entries.values()].map((e) => [e.key, e.line]))),
  };
}

/** Any setting named like a credential is treated as one, even when its source does not declare it. */
const SECRET_NAME = /pass(word|wd)?$|token|secret|api_?key|private_?key/i;
/** ...but not the address of a token endpoint (`token_url`): redacting it hides the host from every message. */
const URL_NAME = /_url$/i;

function redactSecretLooking(section: IniSection): void {
  for (const e of section.entries.values()) {
    if (SECRET_NAME.test(e.key) && !URL_NAME.test(e.key) && !e.key.startsWith('mapping.')) redactor.add(e.value);
  }
}

function registerSecrets(schema: Record<string, { secret: boolean }>, values: Record<string, unknown>): void {
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.secret && typeof values[key] === 'string') redactor.add(values[key] as string);
  }
}

function warnUnknown(doc: IniDocument, section: IniSection, known: Set<string>, warnings: string[]): void {
  for (const e of section.entries.values()) {
    if (e.key.startsWith('mapping.') || known.has(e.key)) continue;
    warnings.push(`${doc.file}:${e.line}: [${section.name}] ${e.key}: unknown setting (ignored)`);
  }
}

/**
 * The section types whose source plugin passes `accept`, e.g. those that receive webhooks: the composition root
 * answers this so that commands like `connector serve` select sources by capability, never by name.
 */
export async function sourceTypesWhere(accept: (plugin: SourcePlugin<any>) => boolean): Promise<Map<string, SourcePlugin<any>>> {
  return new Map([...(await loadAllSources())].filter(([, plugin]) => accept(plugin)));
}

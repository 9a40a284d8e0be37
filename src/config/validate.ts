/** Checks INI entries against a settings schema; collects every problem instead of stopping at the first. */
import { ConfigError } from '../errors.js';
import { formatDefault, type SettingsSchema } from './settings.js';
import type { IniEntry } from './iniReader.js';

export interface Validated {
  values: Record<string, unknown>;
  /** Each setting as text after defaults: what a `{"setting": ...}` mapping sends. */
  text: Record<string, string>;
  errors: ConfigError[];
}

export function validateSettings(
  schema: SettingsSchema,
  entries: Map<string, IniEntry>,
  overrides: Record<string, string>,
  where: { file: string; section: string; sectionLine: number; configDir: string },
): Validated {
  const values: Record<string, unknown> = {};
  const text: Record<string, string> = {};
  const errors: ConfigError[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const entry = entries.get(key);
    const raw = overrides[key] ?? entry?.value ?? '';
    const line = entry?.line ?? where.sectionLine;
    // As in the original, an empty value means "use the default".
    if (raw === '') {
      if (spec.required) {
        errors.push(
          new ConfigError(
            { file: where.file, line, section: where.section, key },
            `missing required setting (${spec.description.replace(/\.$/, '')})`,
          ),
        );
        continue;
      }
      values[key] = spec.default;
      text[key] = spec.example !== undefined && spec.default === '' ? '' : formatDefault({ ...spec, example: undefined });
      continue;
    }
    try {
      values[key] = spec.parse(raw, { configDir: where.configDir });
      text[key] = raw;
    } catch (err) {
      errors.push(new ConfigError({ file: where.file, line, section: where.section, key }, (err as Error).message));
    }
  }
  return { values, text, errors };
}

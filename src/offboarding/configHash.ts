/**
 * What decides which records a section reads and how they are identified: when any of it changed since the last run,
 * a record missing now may be missing because of the change (a narrower LDAP filter, a new recordfilter), not
 * because it left the source, so that run retires nothing. Secret settings are left out (the hash is stored).
 */
import { createHash } from 'node:crypto';
import type { SectionConfig } from '../config/loadConfig.js';
import type { SettingsSchema } from '../config/settings.js';
import type { FieldMappings } from '../records.js';

/** Common settings that change the set of records or their keys; the others (batch_size, TLS, ...) do not. */
const SCOPE_COMMON = ['sync_field', 'recordfilter'] as const;

export function scopeHash(section: SectionConfig, mappings: FieldMappings): string {
  const own: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(section.plugin.settings as SettingsSchema).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!spec.secret) own[key] = section.settings[key];
  }
  const common: Record<string, unknown> = {};
  for (const key of SCOPE_COMMON) common[key] = key === 'recordfilter' ? (section.filter?.code ?? '') : section.common[key];
  const sortedMappings = Object.fromEntries(Object.entries(mappings).sort(([a], [b]) => (a < b ? -1 : 1)));
  const text = JSON.stringify({ type: section.type, own, common, mappings: sortedMappings });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * What decides which records a section reads and how they look: its source and the source's non-secret settings,
 * sync_field, recordfilter and the mappings in effect (plus what a caller adds). State kept between runs is only
 * trusted while this is unchanged: an incremental watermark (a new mapping must reach every record) and the
 * offboarding state (a record missing after a narrower filter has not left the source). Secret settings are left
 * out, since the hash is stored.
 */
import { createHash } from 'node:crypto';
import type { SectionConfig } from '../config/loadConfig.js';
import type { SettingsSchema } from '../config/settings.js';
import type { FieldMappings } from '../records.js';

const sortedEntries = (o: Record<string, unknown>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function sectionFingerprint(section: SectionConfig, mappings: FieldMappings, extra: Record<string, unknown> = {}): string {
  const settings: Record<string, unknown> = {};
  for (const [key, spec] of sortedEntries(section.plugin.settings as SettingsSchema) as Array<[string, { secret?: boolean }]>) {
    if (!spec.secret) settings[key] = section.settings[key];
  }
  const text = JSON.stringify({
    type: section.type,
    settings,
    sync_field: section.common.sync_field,
    filter: section.filter?.code ?? null,
    mappings: Object.fromEntries(sortedEntries(mappings)),
    extra,
  });
  return createHash('sha256').update(text).digest('hex');
}

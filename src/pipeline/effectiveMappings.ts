/**
 * The mappings in effect for a section, in the original's order: the source's defaults, then the mappings
 * stored in Oomnitza (unless use_server_map = False), then `mapping.X` lines from the INI; user sources then
 * add POSITION and PERMISSIONS_ID from default_position / default_role when not mapped yet.
 */
import type { SectionConfig } from '../config/loadConfig.js';
import { mergeMappings, type FieldMappings } from '../records.js';

export function effectiveMappings(section: SectionConfig, serverMappings: FieldMappings): FieldMappings {
  const defaults = section.plugin.defaultMappings(section.settings as never);
  const merged = mergeMappings(defaults, section.common.use_server_map ? serverMappings : {}, section.iniMappings);
  if (section.plugin.variant(section.settings as never).dataType === 'users') {
    if (!merged.POSITION && 'default_position' in section.settingText) merged.POSITION = { setting: 'default_position' };
    if (!merged.PERMISSIONS_ID && 'default_role' in section.settingText) merged.PERMISSIONS_ID = { setting: 'default_role' };
  }
  const defaultConverters = section.plugin.defaultConverters ?? {};
  for (const m of Object.values(merged)) {
    // Own entries only: a source field named "constructor" must not find Object's constructor as its converter.
    if (m.source && !m.converter && Object.hasOwn(defaultConverters, m.source)) m.converter = defaultConverters[m.source];
  }
  return merged;
}

/** `--show-mappings`: one row per Oomnitza field. */
export function formatMappingsTable(section: string, mappings: FieldMappings): string {
  const rows = Object.entries(mappings).map(([field, m]) => [
    field,
    m.source ?? (m.setting ? `setting:${m.setting}` : m.hardcoded !== undefined ? `hardcoded:${JSON.stringify(m.hardcoded)}` : ''),
    m.converter ?? '',
    m.required ? 'yes' : '',
  ]);
  const header = ['FIELD', 'SOURCE', 'CONVERTER', 'REQUIRED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`[${section}] mappings`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

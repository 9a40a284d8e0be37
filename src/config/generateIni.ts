/**
 * `connector generate-ini`: an example config with every registered source and its settings, written
 * from each source's own schema, so a new source appears here without further work.
 */
import fs from 'node:fs';
import { oomnitzaSettings } from '../oomnitza/settings.js';
import { loadAllSources } from '../sources/registry.js';
import { formatDefault, type SettingsSchema } from './settings.js';

function block(name: string, title: string, schema: SettingsSchema, extra: string[] = []): string {
  const lines = [`## ${title}`, `[${name}]`, ...extra];
  for (const [key, spec] of Object.entries(schema)) {
    lines.push(`## ${spec.description}${spec.required ? ' (required)' : ''}`);
    lines.push(`${key} = ${spec.secret ? '' : formatDefault(spec)}`.trimEnd());
  }
  return lines.join('\n');
}

/** Loads every source (their settings declarations are what this prints). */
export async function renderExampleIni(): Promise<string> {
  const header = [
    '# Example configuration for connector, written by `connector generate-ini`.',
    '# One section per source; copy a section with a suffix to run it twice: [ldap] and [ldap.Contractors].',
    '# Settings every source accepts (sync_field, insert_only, update_only, verify_ssl, cacert_file,',
    '# ssl_protocol, use_server_map, vault_backend, vault_keys, vault_alias, batch_size, recordfilter)',
    '# and field mappings (mapping.FIELD = {"source": "..."}) are described in README.md.',
    '',
  ].join('\n');
  const parts = [block('oomnitza', 'Where records are sent', oomnitzaSettings)];
  for (const [name, plugin] of await loadAllSources()) {
    parts.push(
      block(name, plugin.title, plugin.settings, [
        'enable = False',
        // A source that declares its own sync_field (ldap_assets: required there) documents it itself; twice is a config error.
        ...(plugin.dataType !== 'users' && !('sync_field' in plugin.settings) ? ['## Oomnitza field(s) identifying a record, comma-separated.', 'sync_field ='] : []),
      ]),
    );
  }
  return `${header}\n${parts.join('\n\n')}\n`;
}

/** Writes the example; an existing file is kept as `<file>.bak` first. */
export async function writeExampleIni(file: string): Promise<void> {
  if (fs.existsSync(file)) await fs.promises.rename(file, `${file}.bak`);
  await fs.promises.writeFile(file, await renderExampleIni());
}

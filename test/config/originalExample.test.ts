/**
 * The example config printed in the original connector's README (test/fixtures/original-example.ini, every
 * source, all disabled) loads unchanged: supported sections validate, the others are ignored quietly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/loadConfig.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { tempDir } from '../helpers/runCli.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/original-example.ini');

test('every supported section of the original example validates once its placeholders are filled in', async () => {
  // The template sets both filename and directory and an LDAP username without password: an admin keeps one
  // of the first two and adds the password (or stores it with strongbox), as with the original; BambooHR's
  // system_name placeholder is replaced by a company subdomain.
  // The CSV files must exist (paths are checked when the config loads): the admin's exports replace the placeholders.
  const dir = tempDir({ 'assets.csv': 'serial\n', 'users.csv': 'user\n' });
  const text = fs
    .readFileSync(fixture, 'utf8')
    .replace(/^directory = .*$/gm, 'directory =')
    .replace(/^filename = \/some\/path\/to\/file\//gm, 'filename = ')
    .replace(/^(username = cn=read-only-admin,dc=example,dc=com\npassword =)$/gm, '$1 secret-pw')
    .replace('system_name = YOUR BambooHR SYSTEM NAME', 'system_name = acme');
  const file = path.join(dir, 'config.ini');
  fs.writeFileSync(file, text);
  const sections = ['csv_assets', 'csv_users', 'ldap', 'ldap_assets', 'casper', 'sccm', 'okta', 'bamboohr'];
  const config = await loadConfig(file, { sections, requireEnabled: false });
  expect(config.sections.map((s) => s.name)).toEqual(sections);
  // Unsupported sources (servicenow, chef, ...) are disabled in the template: no warning noise every night.
  expect(config.warnings).toEqual([]);
  const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
  expect(runtimes).toHaveLength(sections.length);
  await Promise.all(runtimes.map((r) => r.close()));
  const ldap = config.sections.find((s) => s.name === 'ldap')!;
  expect(ldap.settingText.default_role).toBe('25');
  expect(ldap.settings.groups_dn).toEqual([]);
});

test('an enabled section of a source this version lacks is a warning when not run, an error when named', async () => {
  // Every source of the original example is supported or being ported, so the unsupported one is made up: an
  // enabled section of a type no version has, added to the original's example.
  const text = `${fs.readFileSync(fixture, 'utf8')}\n[acme_inventory]\nenable = True\nurl = https://inventory.example.com\n`;
  const file = path.join(tempDir(), 'config.ini');
  fs.writeFileSync(file, text);
  const config = await loadConfig(file, { sections: [], requireEnabled: true });
  expect(config.warnings).toEqual([expect.stringMatching(/\[acme_inventory\]: section type "acme_inventory" is not supported by this version; ignored/)]);
  await expect(loadConfig(file, { sections: ['acme_inventory'], requireEnabled: true })).rejects.toThrow(/\[acme_inventory\]: unknown section type "acme_inventory"; known types: .*casper, .*csv_assets/);
});

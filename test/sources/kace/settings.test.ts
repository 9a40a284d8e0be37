/** [kace] settings as the config loader reads them: the original's block loads unchanged, with its defaults. */
import { kace } from '../../../src/sources/kace/index.js';
import { loadSections } from '../../helpers/loadSection.js';

/** `[kace]` with these lines (or a whole INI) and its source created: the section, or the problems found. */
async function load(ini: string) {
  const { sections, errors } = await loadSections(['kace'], ini);
  return { section: sections[0], errors };
}

test('the original\'s block (its README) loads unchanged, with its defaults, default mapping and converters', async () => {
  const { section, errors } = await load('url = https://KACE_SMA\nusername = ***\npassword = ***\norganization_name = Default\napi_version = 8');
  expect(errors).toEqual([]);
  expect(section!.settings).toEqual({ url: 'https://kace_sma', username: '***', password: '***', organization_name: 'Default', api_version: '8', rate_limit_max_wait: 300 });
  const defaults = await load('url = https://kace.example.com\nusername = admin\npassword = pw');
  expect(defaults.section!.settings).toMatchObject({ organization_name: 'Default', api_version: '8' });
  expect(kace.defaultMappings(defaults.section!.settings as never)).toEqual({ APPLICATIONS: { source: 'software' } });
  expect(kace.defaultConverters).toEqual({ Last_inventory: 'timestamp', Last_sync: 'timestamp' });
});

test.each([
  ['username = admin\npassword = pw', 'config.ini:5: [kace] url: missing required setting'],
  ['url = https://kace.example.com\nusername = admin', 'config.ini:5: [kace] password: the KACE SMA login needs username and password'],
  ['url = https://kace.example.com\nusername = a\npassword = b\napi_version = v8', 'config.ini:10: [kace] api_version: "v8" is not an API version number'],
])('refused: %j', async (lines, message) => {
  const { errors } = await load(lines);
  expect(errors).toEqual([expect.stringContaining(message)]);
});

/** The example section of each Google source's README loads as written, once its key placeholder is a real key. */
import fs from 'node:fs';
import path from 'node:path';
import { loadSection } from '../../helpers/loadSection.js';
import { repoRoot, tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';

let g: FakeGoogle;
beforeAll(async () => {
  g = await startFakeGoogle();
});
afterAll(() => g.close());

test.each(['chromebooks', 'google_mobile_devices', 'android_enterprise'])('the [%s] example of its README', async (name) => {
  const readme = fs.readFileSync(path.join(repoRoot, `src/sources/${name}/README.md`), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(readme)![1];
  const keyFile = path.join(tempDir({ 'sa.json': g.keyJson }), 'sa.json');
  // The READMEs elide the key ("..."): the real one goes where they show it.
  const ini = block
    .replace(/^service_account_json_key = \{.*$/m, `service_account_json_key = ${g.keyJson}`)
    .replace(/^service_account_key_file = \/etc\/connector\/.*$/m, `service_account_key_file = ${keyFile}`);
  const section = await loadSection(name, ini);
  expect(typeof section === 'string' ? section : section.name).toBe(name);
});

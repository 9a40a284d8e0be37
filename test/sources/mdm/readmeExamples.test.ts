/** The example sections in the READMEs of [simplemdm], [mobileiron], [merakism] and [abm] load as written (abm: with a real key file). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadSection } from '../../helpers/loadSection.js';
import { repoRoot, tempDir } from '../../helpers/runCli.js';

test.each(['simplemdm', 'mobileiron', 'merakism', 'abm'])('the [%s] example of its README', async (name) => {
  const readme = fs.readFileSync(path.join(repoRoot, `src/sources/${name}/README.md`), 'utf8');
  const block = /```ini\n([\s\S]*?)```/.exec(readme)![1];
  const pem = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = path.join(tempDir({ 'key.pem': pem }), 'key.pem');
  const section = await loadSection(name, block.replace('/etc/connector/abm-private-key.pem', keyFile));
  expect(typeof section === 'string' ? section : section.name).toBe(name);
});

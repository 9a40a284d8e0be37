/**
 * A section's sandbox is one worker however many ask for it while it starts (upload's warmSandbox, then
 * prepareSection, without waiting in between: src/cli/upload.ts), and close() stops it even before it is ready.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { tempDir } from '../helpers/runCli.js';

const INI = '[oomnitza]\nurl = https://example.oomnitza.com\napi_token = oomnitza-token-0123456789\n\n' +
  '[csv_assets]\nenable = True\nfilename = a.csv\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\n' +
  'mapping.STATUS = {"source": "status", "converter": "label"}\nrecordfilter:\n    return record.status !== "retired"\n\n' +
  '[converters]\nlabel:\n    return value === "active" ? "In use" : "Other"\n';

async function runtime() {
  const file = path.join(tempDir({ 'a.csv': 'serial,status\nS1,active\n' }), 'config.ini');
  fs.writeFileSync(file, INI);
  const config = await loadConfig(file, { sections: ['csv_assets'], requireEnabled: true });
  return createRuntimes(config, { signal: new AbortController().signal, workers: 2 })[0];
}

test('two requests while the worker starts get the same sandbox, and it runs the snippets', async () => {
  const rt = await runtime();
  const [a, b] = await Promise.all([rt.sandbox(['label']), rt.sandbox(['label'])]);
  expect(a).toBeDefined();
  expect(a).toBe(b);
  const results = await a!.run([{ record: { status: 'active' }, filter: 'recordfilter', calls: [{ converter: 'label', field: 'STATUS', value: 'active', params: {} }] }]);
  expect(JSON.stringify(results)).toContain('In use');
  await rt.close();
});

test('close() while the worker is still starting stops it', async () => {
  const rt = await runtime();
  const starting = rt.sandbox(['label']);
  await rt.close();
  const sandbox = await starting;
  // Closed: a run is refused or fails instead of being answered by a live worker.
  await expect(sandbox!.run([{ record: { status: 'active' }, calls: [{ converter: 'label', field: 'STATUS', value: 'active', params: {} }] }])).rejects.toThrow();
});

/** `connector managed --metrics-port`: the serve metrics (src/metrics/) for the runs Oomnitza schedules. */
import path from 'node:path';
import { managed } from '../../src/cli/managed.js';
import { tempDir } from '../helpers/runCli.js';
import { startFakeManagedCloud, type FakeManagedCloud } from '../support/fakeManagedCloud.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { linkUsers } from '../support/fakeSaasIntegrations.js';

let cloud: FakeManagedCloud;
let saas: FakeSaas;
afterEach(async () => {
  await cloud?.close();
  await saas?.close();
});

test('while polling, /metrics counts each integration run\'s records and the HTTP attempts; the endpoint closes with the runner', async () => {
  saas = await startFakeSaas({ users: 3 });
  cloud = await startFakeManagedCloud({
    mappings: { '7': { USER: { type: 'attribute', value: 'id' }, EMAIL: { type: 'attribute', value: 'email' } } },
    polls: [[{ ...linkUsers(saas.url), type: 'users', update_only: 'False', insert_only: 'False', sync_field: 'USER' }]],
  });
  const dir = tempDir({
    'config.ini': `[oomnitza]\nurl = ${cloud.url}\napi_token = ${cloud.token}\nretries = 0\n\n[managed.7]\nsaas_authorization = {"headers": {"X-Api-Key": "key-123"}}\n`,
  });
  const stop = new AbortController();
  let url: string | undefined;
  const done = managed({
    ini: path.join(dir, 'config.ini'), loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 2, showMappings: false, testmode: false, saveData: false,
    once: false, ignoreCloudMaintenance: false, metricsPort: 0, onMetrics: (u) => (url = u),
  }, stop.signal);
  const scrape = async () => (await fetch(url!)).text();
  let text = '';
  try {
    // The run ends asynchronously after the first poll; the counts appear once it has.
    for (let i = 0; i < 400 && !/outcome="pushed"\} 3/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 10));
      if (url) text = await scrape();
    }
  } finally {
    stop.abort(new Error('test over'));
  }
  expect(await done).toBe(0);
  expect(text).toMatch(/connector_records_total\{section="managed\.7 \\"Link users\\"",outcome="pulled"\} 3/);
  expect(text).toMatch(/connector_records_total\{section="managed\.7 \\"Link users\\"",outcome="pushed"\} 3/);
  expect(text).toMatch(/connector_section_runs_total\{section="managed\.7 \\"Link users\\"",result="ok"\} 1/);
  expect(text).toMatch(/connector_http_request_duration_seconds_count\{target="[^"]+",status="2xx"\} [1-9]/);
  // The breakers (Oomnitza's pushes, the integration's SaaS client) and the run's upload queue, drained.
  expect(text).toContain('connector_breaker_state{target="oomnitza"} 0');
  expect(text).toContain('connector_breaker_state{target="managed.7 \\"Link users\\""} 0');
  expect(text).toContain('connector_push_queue_depth{section="managed.7 \\"Link users\\""} 0');
  // Closed with the runner.
  await expect(fetch(url!)).rejects.toThrow();
});

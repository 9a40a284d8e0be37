/**
 * The managed fetch engine on one integration of N items (default 10,000) listed 100 per page, with a detail call
 * per item answered after 20 ms (issue 10: the original, one request at a time, needs > 200 s). Prints wall time,
 * items/s and peak RSS per concurrency. Run: `node dist/bench/managedFetch.js [items] [concurrency...]`
 * (env: LATENCY_MS, TEMPLATE_WORKERS).
 */
import { Worker } from 'node:worker_threads';
import { HttpClient } from '../src/http/client.js';
import { fetchIntegration, parseSaasAuthorization } from '../src/managed/fetch/index.js';
import { createTemplateEngine } from '../src/managed/template/engine.js';

const total = Number(process.argv[2] ?? 10_000);
const concurrencies = process.argv.slice(3).map(Number);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 20);

// The fake SaaS runs in its own thread, so that its work (JSON, HTTP parsing) does not count as ours.
const SERVER = `
const http = require('node:http');
const { parentPort, workerData: { total, latency } } = require('node:worker_threads');
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (body) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/devices') {
    const offset = Number(url.searchParams.get('offset'));
    const n = Math.max(0, Math.min(100, total - offset));
    send({ total, devices: Array.from({ length: n }, (_, i) => ({ id: 'd' + (offset + i), name: 'Device ' + (offset + i), serial: 'SN' + (offset + i) })) });
  } else {
    const id = url.pathname.split('/').pop();
    setTimeout(() => send({ id, os: 'macOS', model: 'MacBook Pro', ram: 16, disks: [{ size: 512 }] }), latency);
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;
const serverThread = new Worker(SERVER, { eval: true, workerData: { total, latency: LATENCY_MS } });
const port = await new Promise<number>((resolve) => serverThread.once('message', resolve));
const base = `http://127.0.0.1:${port}`;

const engine = await createTemplateEngine({ workers: Number(process.env.TEMPLATE_WORKERS ?? 1) });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
for (const concurrency of concurrencies.length ? concurrencies : [1, 8]) {
  const client = new HttpClient({ section: 'bench', tls: { verify: true }, connections: 32 });
  const started = Date.now();
  let items = 0;
  let errors = 0;
  const integration = {
    id: 1,
    name: 'bench',
    inputs: { base_url: { value: base } },
    list_behavior: {
      http_method: 'GET', url: '{{ inputs.base_url }}/devices', headers: [{ key: 'Accept', value: 'application/json' }],
      params: [{ key: 'offset', value: '{{ iteration * 100 }}' }, { key: 'limit', value: '100' }],
      result: "{{ list_response['devices'] }}",
      pagination: { break_early: "{{ iteration > 0 and iteration * 100 >= list_response['total'] }}" },
    },
    detail_behavior: { http_method: 'GET', url: "{{ inputs.base_url }}/details/{{ list_response_item['id'] }}", headers: [], params: [], result: '{{ detail_response }}' },
  };
  const limit = concurrency === 1 ? Math.min(total, 1000) : total; // one at a time: 1,000 items are enough to extrapolate
  for await (const event of fetchIntegration({
    integration: { ...integration, list_behavior: { ...integration.list_behavior, pagination: { break_early: `{{ iteration * 100 >= ${limit} }}` } } },
    saasAuthorization: parseSaasAuthorization({ headers: { Authorization: 'Bearer x' } }),
    localInputs: {}, engine, http: client, globalSettings: async () => [], isCanceled: async () => false,
    concurrency, testRun: false,
  })) {
    if (event.kind === 'batch') {
      items += event.items.length;
      errors += event.items.filter((i) => 'error' in i).length;
    } else if (event.kind === 'failed') {
      throw new Error(event.message);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`concurrency ${concurrency}: ${items} items (${errors} errors) in ${seconds.toFixed(1)} s = ${(items / seconds).toFixed(0)} items/s` +
    `${items < total ? ` (extrapolated to ${total}: ${((seconds * total) / items).toFixed(0)} s)` : ''}; peak RSS so far ${(peakRss / 2 ** 20).toFixed(0)} MB\n`);
  await client.close();
}
clearInterval(sampler);
await engine.close();
await serverThread.terminate();

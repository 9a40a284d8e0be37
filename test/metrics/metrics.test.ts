/** src/metrics/: the text exposition, the connector's metrics, the /metrics endpoint, and serve --metrics-port. */
import { HttpClient } from '../../src/http/client.js';
import { ConnectorMetrics, Registry, startMetricsEndpoint, METRICS_CONTENT_TYPE } from '../../src/metrics/index.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import { startTestServer } from '../support/httpTestServer.js';
import { startHarness, waitFor, webhook, type Harness } from '../server/harness.js';

test('registry: counters, gauges and histograms in the Prometheus text format, label values escaped', () => {
  const r = new Registry();
  const c = r.counter('x_total', 'Things.\nCounted.', ['section']);
  c.inc({ section: 'a' });
  c.inc({ section: 'we"ird\\\n' }, 2);
  const g = r.gauge('y', 'A gauge.');
  g.collect = (gauge) => gauge.set({}, 7);
  const h = r.histogram('z_seconds', 'Durations.', ['target'], [0.1, 1]);
  h.observe({ target: 't' }, 0.05);
  h.observe({ target: 't' }, 0.5);
  h.observe({ target: 't' }, 3);
  expect(r.render()).toBe([
    '# HELP x_total Things.\\nCounted.',
    '# TYPE x_total counter',
    'x_total{section="a"} 1',
    'x_total{section="we\\"ird\\\\\\n"} 2',
    '# HELP y A gauge.',
    '# TYPE y gauge',
    'y 7',
    '# HELP z_seconds Durations.',
    '# TYPE z_seconds histogram',
    'z_seconds_bucket{target="t",le="0.1"} 1',
    'z_seconds_bucket{target="t",le="1"} 2',
    'z_seconds_bucket{target="t",le="+Inf"} 3',
    'z_seconds_sum{target="t"} 3.55',
    'z_seconds_count{target="t"} 3',
    '',
  ].join('\n'));
  expect(() => c.inc({ section: 'a' }, -1)).toThrow(/only go up/);
  expect(() => c.inc({})).toThrow(/label "section" missing/);
  expect(() => r.counter('x_total', 'again')).toThrow(/registered twice/);
  expect(() => r.gauge('bad-name', 'x')).toThrow(/invalid metric name/);
});

test('connector metrics: section counts, last success only for a run without failures, breaker and queue read at scrape', () => {
  let now = 1_700_000_000_000;
  const m = new ConnectorMetrics(() => now);
  const ok = new SectionStats('ldap');
  ok.pulled = 10;
  ok.pushed = 9;
  ok.filtered = 1;
  m.recordSection(ok);
  now += 60_000;
  const bad = new SectionStats('ldap');
  bad.pulled = 5;
  bad.fail('b', 'x', 5, 'transient');
  bad.spooled = 5;
  m.recordSection(bad);
  m.watchBreakers(() => [['ldap', 'open'], ['oomnitza', 'half-open']]);
  m.pushQueue('ldap', 2);
  m.watchQueue(() => ({ waiting: 3, inFlight: 1 }));
  const text = m.render();
  expect(text).toContain('connector_records_total{section="ldap",outcome="pulled"} 15');
  expect(text).toContain('connector_records_total{section="ldap",outcome="pushed"} 9');
  expect(text).toContain('connector_records_total{section="ldap",outcome="failed"} 5');
  expect(text).toContain('connector_records_total{section="ldap",outcome="spooled"} 5');
  expect(text).toContain('connector_section_runs_total{section="ldap",result="ok"} 1');
  expect(text).toContain('connector_section_runs_total{section="ldap",result="failed"} 1');
  expect(text).toContain('connector_last_success_timestamp_seconds{section="ldap"} 1700000000');
  expect(text).toContain('connector_breaker_state{target="ldap"} 2');
  expect(text).toContain('connector_breaker_state{target="oomnitza"} 1');
  expect(text).toContain('connector_push_queue_depth{section="ldap"} 2');
  expect(text).toContain('connector_queue_depth 3');
  expect(text).toContain('connector_queue_in_flight 1');
});

test('request latency: every attempt of a client is observed by target and status class, until close()', async () => {
  const server = await startTestServer({ 'GET /ok': { json: {} }, 'GET /bad': { status: 503, body: 'x' } });
  const client = new HttpClient({ section: 'okta', tls: { verify: true }, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const m = new ConnectorMetrics();
  try {
    m.observeHttp();
    await client.getJson(`${server.url}/ok`);
    await expect(client.getJson(`${server.url}/bad`)).rejects.toThrow(/503/);
    expect(m.requestSeconds.count({ target: 'okta', status: '2xx' })).toBe(1);
    expect(m.requestSeconds.count({ target: 'okta', status: '5xx' })).toBe(2);
    m.close();
    await client.getJson(`${server.url}/ok`);
    expect(m.requestSeconds.count({ target: 'okta', status: '2xx' })).toBe(1);
  } finally {
    m.close();
    await client.close();
    await server.close();
  }
});

test('endpoint: GET /metrics in the text format; other paths 404, other methods 405', async () => {
  const ep = await startMetricsEndpoint({ host: '127.0.0.1', port: 0, render: () => 'a 1\n' });
  try {
    const res = await fetch(ep.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(METRICS_CONTENT_TYPE);
    expect(await res.text()).toBe('a 1\n');
    expect((await fetch(ep.url.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(ep.url, { method: 'POST', body: 'x' })).status).toBe(405);
  } finally {
    await ep.close();
  }
});

test('endpoint: a port in use is a clear error', async () => {
  const first = await startMetricsEndpoint({ host: '127.0.0.1', port: 0, render: () => '' });
  try {
    await expect(startMetricsEndpoint({ host: '127.0.0.1', port: first.port, render: () => '' })).rejects.toThrow(/--metrics-port: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  } finally {
    await first.close();
  }
});

describe('serve --metrics-port', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  test('records pushed per section, request latency of Jamf and Oomnitza, breaker state, last success', async () => {
    h = await startHarness({ metrics: true });
    expect(h.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    for (const id of [1, 2]) expect((await h.post('/casper', webhook('ComputerInventoryCompleted', id))).status).toBe(204);
    await waitFor(() => h!.oom.records().length === 2 && h!.oom.bulkRequests.every((b) => h!.oom.finalized.includes(b.portion)));
    let text = '';
    await waitFor(async () => /connector_records_total\{section="casper",outcome="pushed"\} 2/.test((text = await (await fetch(h!.metricsUrl!)).text())));
    expect(text).toContain('connector_section_runs_total{section="casper",result="ok"}');
    expect(text).toMatch(/connector_last_success_timestamp_seconds\{section="casper"\} \d+/);
    expect(text).toMatch(/connector_http_request_duration_seconds_count\{target="casper",status="2xx"\} [1-9]/);
    expect(text).toMatch(/connector_http_request_duration_seconds_count\{target="oomnitza",status="2xx"\} [1-9]/);
    expect(text).toContain('connector_breaker_state{target="casper"} 0');
    expect(text).toContain('connector_breaker_state{target="oomnitza"} 0');
    expect(text).toContain('connector_queue_depth 0');
    expect(text).toContain('connector_push_queue_depth{section="casper"} 0');
    // No secret of the INI in the metrics.
    expect(text).not.toContain(h.oom.token);
    expect(text).not.toContain('client-s3cret-value');
    expect(await h.stop()).toBe(0);
  });

  test('an Oomnitza that stopped answering: the push breaker reads open (2) on the scrape, the portion is spooled', async () => {
    h = await startHarness({ metrics: true, oomnitza: { stallBulksAfter: 0 }, extra: { oomnitza: 'timeout = 1\nretries = 0\nstop_after_timeouts = 1\nspool_dir = dead\n' } });
    expect((await h.post('/casper', webhook('ComputerInventoryCompleted', 1))).status).toBe(204);
    let text = '';
    await waitFor(async () => /connector_breaker_state\{target="oomnitza"\} 2/.test((text = await (await fetch(h!.metricsUrl!)).text())));
    await waitFor(async () => /connector_records_total\{section="casper",outcome="spooled"\} 1/.test((text = await (await fetch(h!.metricsUrl!)).text())));
    expect(text).toContain('connector_breaker_state{target="casper"} 0');
    expect(text).toContain('connector_push_queue_depth{section="casper"} 0');
    expect(await h.stop()).toBe(1); // a device accepted and not synced
  });
});

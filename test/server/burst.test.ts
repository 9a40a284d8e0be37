/** Load and shutdown behaviour of the webhook server: bounded queue, coalescing, no loss, draining on stop. */
import { startHarness, waitFor, webhook, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Posts like Jamf does: a 503 is retried later, anything else is final. */
async function deliver(h: Harness, body: string, statuses: number[]): Promise<void> {
  for (;;) {
    const { status } = await h.post('/casper', body);
    statuses.push(status);
    if (status !== 503) return;
    // Jamf waits far longer; 50 ms keeps the retry storm from starving the rest of this one process.
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a burst of 1,000 events: bounded queue answers 503, repeats coalesce, no device is lost', async () => {
  const devices = 50;
  const capacity = 10;
  h = await startHarness({ jamf: { computers: devices }, tuning: { queueCapacity: capacity, coalesceMs: 100, batchMaxRecords: 20, batchWindowMs: 50 } });
  const events = Array.from({ length: 1000 }, (_, i) => webhook(i % 2 ? 'ComputerCheckIn' : 'ComputerInventoryCompleted', (i % devices) + 1));
  const statuses: number[] = [];
  let maxWaiting = 0;
  const harness = h;
  const sampler = setInterval(() => void harness.health().then((s) => (maxWaiting = Math.max(maxWaiting, s.waiting))).catch(() => undefined), 5);
  // 50 concurrent senders, as Jamf's outbound pool would.
  const queue = [...events];
  try {
    await Promise.all(Array.from({ length: 50 }, async () => {
      for (let body = queue.shift(); body; body = queue.shift()) await deliver(harness, body, statuses);
    }));
  } finally {
    // Also when the test times out: a sampler left running would fail the next test.
    clearInterval(sampler);
  }
  const accepted = statuses.filter((s) => s === 204).length;
  expect(accepted).toBe(1000);
  expect(statuses.filter((s) => s !== 204 && s !== 503)).toEqual([]);
  expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);

  await waitFor(async () => {
    const s = await h!.health();
    return s.waiting === 0 && s.fetching === 0 && s.sections.casper.fetched === s.sections.casper.pushed;
  });
  const health = await h.health();
  expect(maxWaiting).toBeLessThanOrEqual(capacity);
  expect(health.queued + health.coalesced).toBe(1000);
  expect(health.coalesced).toBeGreaterThan(0);
  // Every device named by an accepted event reached Oomnitza, with fewer fetches than events.
  const arrived = new Set(h.oom.records('Casper').map((r) => r.SERIAL_NUMBER));
  expect(arrived.size).toBe(devices);
  const fetches = h.jamf.requests.filter((r) => r.path.includes('/computers/id/')).length;
  expect(fetches).toBe(health.queued);
  expect(fetches).toBeLessThan(1000);
  expect(health.sections.casper.failed).toBe(0);
}, 180_000); // about 15 s on a quiet 2-core machine; several times that when the machine is busy

test('stopping drains: queued devices are fetched and sent at once, portions finalized, exit code 0', async () => {
  // Windows far longer than the test: only the drain can send these.
  h = await startHarness({ tuning: { coalesceMs: 60_000, batchWindowMs: 60_000 } });
  for (const id of [1, 2, 3]) expect((await h.post('/casper', webhook('ComputerCheckIn', id))).status).toBe(204);
  expect((await h.post('/casper.MDM', webhook('MobileDeviceEnrolled', 4))).status).toBe(204);
  expect(h.oom.records()).toHaveLength(0);
  const started = Date.now();
  expect(await h.stop()).toBe(0);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(h.oom.records('Casper')).toHaveLength(3);
  expect(h.oom.records('Casper.MDM')).toHaveLength(1);
  expect(h.oom.finalized.sort()).toEqual([...new Set(h.oom.bulkRequests.map((b) => b.portion))].sort());
  // The listener is closed: new webhooks are not accepted.
  await expect(fetch(`${h.url}/casper`, { method: 'POST', body: webhook('ComputerAdded', 1) })).rejects.toThrow();
});

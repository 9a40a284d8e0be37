/** The coalescing queue and the batcher on their own: timing and bounds. */
import { SectionBatcher } from '../../src/server/batcher.js';
import { CoalescingQueue, type QueuedDevice } from '../../src/server/queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('events for a waiting device coalesce; one arriving after its fetch started queues it again', async () => {
  const processed: QueuedDevice[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // A delay long enough that a busy machine does not make the first record due before the checks below.
  const q = new CoalescingQueue({ capacity: 2, coalesceMs: 150, concurrency: 1, process: async (d) => { processed.push(d); await gate; } });
  expect(q.enqueue('casper', 1, 'ComputerCheckIn')).toBe('queued');
  expect(q.enqueue('casper', 1, 'ComputerInventoryCompleted')).toBe('coalesced');
  expect(q.enqueue('casper.MDM', 1, 'MobileDeviceCheckIn')).toBe('queued');
  expect(q.enqueue('casper', 2, 'ComputerAdded')).toBe('full');
  expect(processed).toHaveLength(0);
  await sleep(250);
  expect(processed.map((d) => [d.section, d.id, d.events])).toEqual([['casper', 1, ['ComputerCheckIn', 'ComputerInventoryCompleted']]]);
  expect(q.enqueue('casper', 1, 'ComputerPolicyFinished')).toBe('queued');
  release();
  await q.drain();
  expect(processed.map((d) => `${d.section}/${d.id}`)).toEqual(['casper/1', 'casper.MDM/1', 'casper/1']);
  expect(q.enqueue('casper', 3, 'ComputerAdded')).toBe('closed');
  expect(q.counts).toEqual({ queued: 3, coalesced: 1, rejected: 1, retried: 0 });
});

test('concurrency is bounded and a throwing processor does not stop the queue', async () => {
  let active = 0;
  let peak = 0;
  const q = new CoalescingQueue({
    capacity: 100, coalesceMs: 0, concurrency: 3,
    process: async (d) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(5);
      active--;
      if (d.id % 4 === 0) throw new Error('boom');
    },
  });
  for (let id = 1; id <= 20; id++) q.enqueue('casper', id, 'ComputerAdded');
  await q.drain();
  expect(peak).toBe(3);
  expect(q.pending + q.inFlight).toBe(0);
});

test('the batcher flushes at maxRecords or after the window, one flush at a time, failures included', async () => {
  const flushes: Array<{ n: number; failures: number }> = [];
  let running = 0;
  const b = new SectionBatcher({
    maxRecords: 3, windowMs: 40, maxBuffered: 6,
    flush: async (records, failures) => {
      running++;
      expect(running).toBe(1);
      flushes.push({ n: records.length, failures: failures.length });
      await sleep(10);
      running--;
    },
  });
  for (let i = 0; i < 3; i++) await b.add({ i });
  expect(flushes).toEqual([{ n: 3, failures: 0 }]);
  await b.add({ i: 3 });
  b.fail('computer 9', 'gone');
  await sleep(20);
  expect(flushes).toHaveLength(1);
  await sleep(60);
  expect(flushes).toEqual([{ n: 3, failures: 0 }, { n: 1, failures: 1 }]);
  await b.add({ i: 4 });
  await b.flushAll();
  expect(flushes.at(-1)).toEqual({ n: 1, failures: 0 });
});

test('a retry comes back after its delay, outside the capacity; events for it meanwhile join it; drain gives it its turn at once', async () => {
  const seen: Array<[number, number, string[]]> = [];
  const q = new CoalescingQueue({
    capacity: 1, coalesceMs: 0, concurrency: 1,
    process: async (d) => {
      seen.push([d.id, d.attempt, [...d.events]]);
      return d.attempt < 3 ? { retryInMs: d.attempt === 1 ? 40 : 60_000 } : undefined;
    },
  });
  expect(q.enqueue('casper', 7, 'ComputerAdded')).toBe('queued');
  await sleep(10);
  expect(seen).toEqual([[7, 1, ['ComputerAdded']]]);
  // Waiting for its retry, the record still takes its place in the queue: the capacity counts it.
  expect(q.pending).toBe(1);
  expect(q.enqueue('casper', 8, 'ComputerAdded')).toBe('full');
  expect(q.enqueue('casper', 7, 'ComputerCheckIn')).toBe('coalesced');
  await sleep(60);
  expect(seen).toEqual([[7, 1, ['ComputerAdded']], [7, 2, ['ComputerAdded', 'ComputerCheckIn']]]);
  // The next retry would wait a minute; the drain does not.
  const started = Date.now();
  await q.drain();
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(seen.map(([id, attempt]) => [id, attempt])).toEqual([[7, 1], [7, 2], [7, 3]]);
  expect(q.counts).toMatchObject({ queued: 1, coalesced: 1, rejected: 1, retried: 2 });
});

test('discard hands back every record still waiting, retries included, and nothing is fetched after it', async () => {
  let processed = 0;
  const q = new CoalescingQueue({
    capacity: 10, coalesceMs: 60_000, concurrency: 1,
    process: async () => {
      processed++;
      return { retryInMs: 60_000 };
    },
  });
  q.enqueue('casper', 1, 'ComputerAdded');
  q.enqueue('casper', 2, 'ComputerAdded');
  const dropped = q.discard();
  expect(dropped.map((d) => d.id)).toEqual([1, 2]);
  expect(q.pending).toBe(0);
  await sleep(20);
  expect(processed).toBe(0);
});

test('a record keeps the distinct event names that named it, at most ten, however often a sender repeats them', async () => {
  const seen: string[][] = [];
  const q = new CoalescingQueue({ capacity: 10, coalesceMs: 20, concurrency: 1, process: async (d) => void seen.push(d.events) });
  for (let i = 0; i < 10_000; i++) q.enqueue('casper', 1, i % 2 ? 'ComputerCheckIn' : `Event${i % 40}`);
  await q.drain();
  expect(seen).toHaveLength(1);
  expect(seen[0]).toHaveLength(10);
  expect(new Set(seen[0]).size).toBe(10);
});

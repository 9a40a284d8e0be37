/** The coalescing queue and the batcher on their own: timing and bounds. */
import { SectionBatcher } from '../../src/server/batcher.js';
import { CoalescingQueue, type QueuedDevice } from '../../src/server/queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('events for a waiting device coalesce; one arriving after its fetch started queues it again', async () => {
  const processed: QueuedDevice[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new CoalescingQueue({ capacity: 2, coalesceMs: 30, concurrency: 1, process: async (d) => { processed.push(d); await gate; } });
  expect(q.enqueue('casper', 1, 'ComputerCheckIn')).toBe('queued');
  expect(q.enqueue('casper', 1, 'ComputerInventoryCompleted')).toBe('coalesced');
  expect(q.enqueue('casper.MDM', 1, 'MobileDeviceCheckIn')).toBe('queued');
  expect(q.enqueue('casper', 2, 'ComputerAdded')).toBe('full');
  expect(processed).toHaveLength(0);
  await sleep(60);
  expect(processed.map((d) => [d.section, d.id, d.events])).toEqual([['casper', 1, ['ComputerCheckIn', 'ComputerInventoryCompleted']]]);
  expect(q.enqueue('casper', 1, 'ComputerPolicyFinished')).toBe('queued');
  release();
  await q.drain();
  expect(processed.map((d) => `${d.section}/${d.id}`)).toEqual(['casper/1', 'casper.MDM/1', 'casper/1']);
  expect(q.enqueue('casper', 3, 'ComputerAdded')).toBe('closed');
  expect(q.counts).toEqual({ queued: 3, coalesced: 1, rejected: 1 });
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

import { ConfigError } from '../../../src/errors.js';
import { fanOut } from '../../../src/http/fanOut.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('results keep the order of the list; at most `concurrency` fetches run at once', async () => {
  let running = 0;
  let peak = 0;
  const failures: string[] = [];
  const out = await collect(fanOut([1, 2, 3, 4, 5, 6, 7, 8], {
    concurrency: 3,
    async fetch(n) {
      peak = Math.max(peak, ++running);
      await tick(n % 2 ? 15 : 2); // odd items are slow: later ones finish first
      running--;
      return `item ${n}`;
    },
    label: (n) => `device ${n}`,
    reportFailure: (id) => failures.push(id),
  }));
  expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `item ${n}`));
  expect(peak).toBe(3);
  expect(failures).toEqual([]);
});

test('one failed item is reported with its label and the rest arrive; undefined results are skipped', async () => {
  const failures: Array<[string, string]> = [];
  const out = await collect(fanOut(['a', 'b', 'c', 'd'], {
    concurrency: 2,
    fetch: async (x) => {
      if (x === 'b') throw new Error('HTTP 500');
      return x === 'c' ? undefined : x.toUpperCase();
    },
    label: (x) => `user ${x}`,
    reportFailure: (id, err) => failures.push([id, (err as Error).message]),
  }));
  expect(out).toEqual(['A', 'D']);
  expect(failures).toEqual([['user b', 'HTTP 500']]);
});

test('bad credentials (a ConfigError or HTTP 401) stop the whole read instead of failing every item', async () => {
  const failures: string[] = [];
  let fetched = 0;
  const read = collect(fanOut(Array.from({ length: 50 }, (_, i) => i), {
    concurrency: 4,
    fetch: async (i) => {
      fetched++;
      if (i >= 2) throw Object.assign(new Error('HTTP 401'), { status: 401 });
      return i;
    },
    label: (i) => `#${i}`,
    reportFailure: (id) => failures.push(id),
  }));
  await expect(read).rejects.toThrow('HTTP 401');
  expect(failures).toEqual([]);
  expect(fetched).toBeLessThan(10);
  const config = collect(fanOut([1], { concurrency: 1, fetch: async () => { throw new ConfigError({ section: 's', key: 'password' }, 'rejected'); }, label: String, reportFailure: () => undefined }));
  await expect(config).rejects.toBeInstanceOf(ConfigError);
});

test('items are read lazily from an async list, and an abort stops without reporting failures', async () => {
  let listed = 0;
  async function* list() {
    for (let i = 0; i < 1000; i++) {
      listed++;
      yield i;
    }
  }
  const abort = new AbortController();
  const failures: string[] = [];
  const seen: number[] = [];
  for await (const x of fanOut(list(), {
    concurrency: 2,
    signal: abort.signal,
    fetch: async (i) => {
      await tick(1);
      if (abort.signal.aborted) throw abort.signal.reason;
      return i;
    },
    label: String,
    reportFailure: (id) => failures.push(id),
  })) {
    seen.push(x);
    if (seen.length === 5) abort.abort(new Error('SIGTERM'));
  }
  expect(seen.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
  expect(seen.length).toBeLessThan(10);
  expect(listed).toBeLessThan(12);
  expect(failures).toEqual([]);
});

describe('buffered', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** A fetch whose replies the test sends, item by item; `started` lists the items asked for. */
  function manual() {
    const started: number[] = [];
    const replies = new Map<number, (v: string) => void>();
    let auto = false;
    return {
      started,
      reply: (n: number) => replies.get(n)!(`item ${n}`),
      /** From now on every item is answered at once, those already out too. */
      answerAll: () => ((auto = true), replies.forEach((resolve, n) => resolve(`item ${n}`))),
      fetch: (n: number) => new Promise<string>((resolve) => (started.push(n), auto ? resolve(`item ${n}`) : replies.set(n, resolve))),
    };
  }

  test('a slot whose item ended before the head is refilled at once, up to concurrency + buffered items held', async () => {
    const m = manual();
    const it = fanOut([1, 2, 3, 4, 5, 6], { concurrency: 2, buffered: 1, fetch: m.fetch, label: String, reportFailure: () => undefined });
    const first = it.next();
    await settle();
    expect(m.started).toEqual([1, 2]);
    m.reply(2); // the head (1) is still out: 2 waits for it, and its slot takes 3
    await settle();
    expect(m.started).toEqual([1, 2, 3]);
    m.reply(3); // 1 out, 2 and 3 held: the window (2 + 1) is full, so 4 waits although only one request is out
    await settle();
    expect(m.started).toEqual([1, 2, 3]);
    m.reply(1);
    expect(await first).toEqual({ done: false, value: 'item 1' });
    await settle(); // the consumer holds 1 and has not asked again: 1 left the window, so 4 starts
    expect(m.started).toEqual([1, 2, 3, 4]);
    m.answerAll();
    const rest: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest).toEqual(['item 2', 'item 3', 'item 4', 'item 5', 'item 6']);
  });

  test('without it (the default) a slot is refilled only when the head ends, as before', async () => {
    const m = manual();
    const it = fanOut([1, 2, 3], { concurrency: 2, fetch: m.fetch, label: String, reportFailure: () => undefined });
    const first = it.next();
    await settle();
    m.reply(2);
    await settle();
    expect(m.started).toEqual([1, 2]);
    m.reply(1);
    expect(await first).toEqual({ done: false, value: 'item 1' });
    expect(m.started).toEqual([1, 2, 3]);
    m.reply(3);
    expect(await collect({ [Symbol.asyncIterator]: () => it })).toEqual(['item 2', 'item 3']);
  });

  test('a list that fails does so after the results listed before it; nothing runs after the consumer stops', async () => {
    async function* list() {
      yield 1;
      yield 2;
      throw new Error('page 2 failed');
    }
    const out: number[] = [];
    await expect((async () => {
      for await (const n of fanOut(list(), { concurrency: 4, buffered: 4, fetch: async (n) => n, label: String, reportFailure: () => undefined })) out.push(n);
    })()).rejects.toThrow('page 2 failed');
    expect(out).toEqual([1, 2]);

    let fetched = 0;
    for await (const n of fanOut(Array.from({ length: 100 }, (_, i) => i), { concurrency: 2, buffered: 2, fetch: async (n) => (fetched++, n), label: String, reportFailure: () => undefined })) {
      if (n === 1) break;
    }
    await settle();
    expect(fetched).toBeLessThanOrEqual(6);
  });
});

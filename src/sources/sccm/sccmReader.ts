/**
 * Reads computers from the SCCM site database: the hardware query and the software query stream side by
 * side on two connections, both ordered by ResourceID, and are merged in one pass. Rows are pulled with
 * backpressure (mssql pause/resume), so memory stays flat whatever the number of computers.
 */
import type sql from 'mssql';
import { PermanentError } from '../../errors.js';
import type { RawRecord } from '../types.js';
import { COUNT_COMPUTERS_SQL, HARDWARE_SQL, SOFTWARE_SQL } from './queries.js';

type Row = Record<string, unknown>;

/** Rows buffered per query before the stream is paused; resumed when half of them are consumed. */
const HIGH_WATER = 512;
const LOW_WATER = HIGH_WATER / 2;

/** A streamed query as an async iterator; returning early (or `signal`) cancels the query on the server. */
export async function* streamRows(pool: sql.ConnectionPool, text: string, signal?: AbortSignal): AsyncGenerator<Row> {
  const request = pool.request();
  request.stream = true;
  const buffer: Row[] = [];
  let head = 0;
  let paused = false;
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  request.on('row', (row: Row) => {
    buffer.push(row);
    if (!paused && buffer.length - head >= HIGH_WATER) {
      paused = true;
      request.pause();
    }
    notify();
  });
  request.on('error', (err: unknown) => {
    failure ??= err;
    notify();
  });
  request.on('done', () => {
    finished = true;
    notify();
  });
  const onAbort = (): void => {
    request.cancel();
  };
  signal?.addEventListener('abort', onAbort);
  void request.query(text);
  try {
    for (;;) {
      if (head < buffer.length) {
        const row = buffer[head];
        buffer[head++] = undefined as unknown as Row;
        if (head > HIGH_WATER) {
          buffer.splice(0, head);
          head = 0;
        }
        if (paused && buffer.length - head <= LOW_WATER) {
          paused = false;
          request.resume();
        }
        yield row;
        continue;
      }
      if (failure) throw failure;
      if (finished || signal?.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      if (paused) request.resume();
      request.cancel();
    }
  }
}

export async function countComputers(pool: sql.ConnectionPool): Promise<number> {
  const result = await pool.request().query<{ computers: string | number }>(COUNT_COMPUTERS_SQL);
  return Number(result.recordset[0]?.computers ?? 0);
}

export interface SoftwareEntry {
  name: string;
  version: string | null;
  publisher: string | null;
  /** Always null: SCCM's Add/Remove Programs views have no install path (kept for the original's shape). */
  path: null;
}

export interface MergeStats {
  /** Extra hardware rows for a ResourceID already produced (the first one wins). */
  duplicateHardwareRows: number;
  /** Software rows whose computer is not in v_GS_COMPUTER_SYSTEM. */
  orphanSoftwareRows: number;
}

function toIso(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function hardwareOf(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = toIso(v);
  return out;
}

function resourceId(row: Row, query: string): number {
  const id = Number(row.resource_id);
  if (!Number.isFinite(id)) throw new PermanentError(`${query} query returned a row without a numeric resource_id`);
  return id;
}

/**
 * Merges the two ResourceID-ordered streams into `{ hardware, software }` records, one per computer.
 * Out-of-order rows mean the merge would silently drop software, so they stop the run instead.
 */
export async function* mergeComputers(hardware: AsyncIterable<Row>, software: AsyncIterable<Row>, stats: MergeStats): AsyncGenerator<RawRecord> {
  const sw = software[Symbol.asyncIterator]();
  let pending: Row | undefined;
  let swDone = false;
  let lastSwId = -Infinity;
  const nextSoftware = async (): Promise<void> => {
    const r = await sw.next();
    swDone = Boolean(r.done);
    pending = r.done ? undefined : r.value;
    if (pending) {
      const id = resourceId(pending, 'software');
      if (id < lastSwId) throw new PermanentError(`software rows are not ordered by resource_id (${id} after ${lastSwId}); cannot merge`);
      lastSwId = id;
    }
  };
  let lastId = -Infinity;
  // Start the software query now so that both queries run side by side; awaited at the first computer.
  let started: Promise<void> | undefined = nextSoftware();
  started.catch(() => undefined);
  try {
    for await (const row of hardware) {
      if (started) {
        await started;
        started = undefined;
      }
      const id = resourceId(row, 'hardware');
      if (id === lastId) {
        stats.duplicateHardwareRows++;
        continue;
      }
      if (id < lastId) throw new PermanentError(`hardware rows are not ordered by resource_id (${id} after ${lastId}); cannot merge`);
      lastId = id;
      while (!swDone && pending && resourceId(pending, 'software') < id) {
        stats.orphanSoftwareRows++;
        await nextSoftware();
      }
      const entries: SoftwareEntry[] = [];
      while (!swDone && pending && resourceId(pending, 'software') === id) {
        const name = pending.name;
        if (typeof name === 'string' && name !== '') {
          entries.push({ name, version: (pending.version as string | null) ?? null, publisher: (pending.publisher as string | null) ?? null, path: null });
        }
        await nextSoftware();
      }
      yield { hardware: hardwareOf(row), software: entries };
    }
  } finally {
    await sw.return?.(undefined);
  }
}

/** Both queries for all computers: two round trips in total. */
export function readComputers(pool: sql.ConnectionPool, stats: MergeStats, signal?: AbortSignal): AsyncGenerator<RawRecord> {
  return mergeComputers(streamRows(pool, HARDWARE_SQL, signal), streamRows(pool, SOFTWARE_SQL, signal), stats);
}

/**
 * UEM's page-number paging: `page` counts from 0, the page size goes in `pagesize` (classic endpoints, as the
 * original [airwatch] spells it) or `pageSize`, and the list ends with HTTP 204 and no body (UEM's "no more
 * content"), or, on some endpoints (a device's apps), a 200 with an empty list. A short page is not taken as the
 * last one: the originals read on until the 204 or the empty page, and so does this.
 */
import { pageNumber, paginate, type PagingClient } from '../../http/index.js';

export interface UemPagesOptions {
  path: string;
  /** The list in each page: `Devices`, `Application`, `app_items`. */
  items: string;
  pageSize: number;
  /** How this endpoint spells the page-size parameter. */
  sizeParam: 'pagesize' | 'pageSize';
  /** Pages requested ahead of the reader (the original read [airwatch] pages `--workers` at a time). */
  prefetch?: number;
  signal?: AbortSignal;
}

export function uemPages<T>(client: PagingClient, o: UemPagesOptions): AsyncGenerator<T> {
  return paginate<T>(client, {
    path: o.path,
    items: o.items,
    strategy: pageNumber({ start: 0, pageSize: o.pageSize, size: o.sizeParam, until: 'empty' }),
    prefetch: o.prefetch && o.prefetch > 1 ? o.prefetch : undefined,
    signal: o.signal,
  });
}

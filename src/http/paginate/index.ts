/**
 * Pagination: a strategy (what the next page's token is) plus where that token goes, and one page loop.
 *   paginate(api, { path: '/api/v1/users', query: { limit: 200 }, items: '', strategy: linkHeader() })
 *   paginate(graph, { path: '/v1.0/users', items: 'value', strategy: nextUrlAt('@odata.nextLink') })
 *   paginate(google, { path: '/admin/directory/v1/users', items: 'users', strategy: cursorAt('nextPageToken', 'pageToken') })
 *   paginate(onelogin, { path: '/api/2/users', items: '', strategy: cursorHeader('After-Cursor', 'cursor') })
 *   paginate(airwatch, { path: '/api/mdm/devices/search', items: 'Devices', prefetch: 4,
 *                        strategy: pageNumber({ start: 0, pageSize: 500, size: 'pagesize' }) })
 */
export { paginate, type PaginateOptions, type PagingClient } from './paginate.js';
export {
  cursorAt, cursorHeader, custom, hasMore, linkHeader, nextLink, nextUrlAt, offsetLimit, pageNumber,
  type HasMoreOptions, type OffsetLimitOptions, type PageNumberOptions, type Until,
} from './strategies.js';
export type { Injection, Page, Place, RawPage, Strategy, Token } from './types.js';

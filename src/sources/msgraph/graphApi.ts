/**
 * One Microsoft Graph client per section: the app's tokens, Graph's error texts and explanations, rate limits, and
 * `@odata.nextLink` pages (https://learn.microsoft.com/graph/paging). Throttling (429) is waited out as long as
 * Retry-After asks; a 429 without it (Intune's detectedApps sends none) is retried with exponential backoff by the
 * kit (https://learn.microsoft.com/graph/throttling).
 */
import {
  nextUrlAt, paginate, rateLimitOf, safeUrl,
  type HttpClient, type RequestOptions, type Strategy,
} from '../../http/index.js';
import type { SourceContext } from '../types.js';
import { graphApp, graphAuth } from './app.js';
import { explainGraphFailure, graphErrorText, type GraphExplainOptions } from './explain.js';
import type { GraphApp, GraphAppSettings } from './types.js';

export interface GraphApiOptions extends GraphExplainOptions {
  /** The setting holding the client secret (`secret` in [azureusers], else `client_secret`) and its value. */
  secretSetting: string;
  secret: string;
  /** Whether the section may sign in with a certificate (graphCertificateSettings). */
  certificates: boolean;
  rate_limit_max_wait?: number;
}

export interface GraphPageRequest {
  query?: RequestOptions['query'];
  headers?: Record<string, string>;
}

export interface GraphApi {
  readonly app: GraphApp;
  readonly client: HttpClient;
  /** `authenticated to tenant "..." as application "..."`, the start of every check() answer. */
  readonly who: string;
  /** Every item of a Graph collection, page by page through `@odata.nextLink`. */
  pages<T = Record<string, unknown>>(path: string, request?: GraphPageRequest): AsyncGenerator<T>;
  /** One Graph object. */
  get<T = Record<string, unknown>>(path: string, request?: GraphPageRequest): Promise<T>;
}

/** Validates the app settings (ConfigError) and builds the client; nothing connects until a request is made. */
export function graphApi(s: GraphAppSettings, ctx: SourceContext, o: GraphApiOptions): GraphApi {
  const app = graphApp(s, o.secret, { section: ctx.section, secretSetting: o.secretSetting, certificates: o.certificates });
  const client = ctx.http.with({
    baseUrl: app.graphUrl,
    auth: graphAuth(app, o.secret),
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(o),
    errorText: graphErrorText,
    explainFailure: explainGraphFailure(app, safeUrl(app.tokenUrl), o),
  });
  return {
    app,
    client,
    who: `authenticated to tenant "${app.tenant}" as application "${app.clientId}"`,
    pages: <T>(path: string, r: GraphPageRequest = {}) =>
      paginate<T>(client, { path, query: r.query, headers: r.headers, items: 'value', strategy: nextLinksOn(app.graphUrl), signal: ctx.signal }),
    get: <T>(path: string, r: GraphPageRequest = {}) => client.getJson<T>(path, { query: r.query, headers: r.headers, signal: ctx.signal }),
  };
}

/** `@odata.nextLink` names Graph's own host: a `url` override (a proxy, a test server) keeps receiving the pages and the token. */
export function nextLinksOn(base: string): Strategy {
  const next = nextUrlAt('@odata.nextLink');
  return {
    ...next,
    next(page) {
      const url = next.next(page);
      if (url === undefined || url === null || url === '') return undefined;
      const rebased = new URL(String(url));
      const origin = new URL(base);
      rebased.protocol = origin.protocol;
      rebased.host = origin.host;
      return rebased.toString();
    },
  };
}

/** A path segment for an id Graph gave us (ids are GUIDs, but never trust one into a path unescaped). */
export function segment(id: unknown): string {
  return encodeURIComponent(String(id));
}

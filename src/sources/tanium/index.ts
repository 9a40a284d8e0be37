/**
 * Tanium assets `[tanium]`: every asset of the Tanium Asset module (optionally through an Asset view), with its
 * installed applications as `oomnitza_software`, as the original built it. Logs in with username and password or
 * sends an API token (session_token); see taniumApi.ts.
 */
import { checkBaseUrl, displayUrl, paginate, rateLimitOf, type HttpClient } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { ASSETS_PATH, PAGE_SIZE, explainTaniumFailure, nextAssetId, taniumAuth, taniumErrorText } from './taniumApi.js';
import { taniumSettings, type TaniumSettings } from './settings.js';

/** The asset as Tanium sends it plus `oomnitza_software` (name, version, path: null) from `ci_installed_application`. */
export function assetRecord(asset: RawRecord): RawRecord {
  const apps = Array.isArray(asset.ci_installed_application) ? (asset.ci_installed_application as Array<Record<string, unknown>>) : [];
  return { ...asset, oomnitza_software: apps.map((app) => ({ name: app?.name ?? null, version: app?.version ?? null, path: null })) };
}

export function createTaniumSource(s: TaniumSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section });
  const view = s.view.trim();
  const a = taniumAuth(s, base, ctx.section);
  const api: HttpClient = ctx.http.with({
    baseUrl: base,
    auth: a.auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    errorText: taniumErrorText,
    explainFailure: explainTaniumFailure(ctx.section, () => a),
    // An expired login session is refused with a 403 as often as a 401: log in again once before giving up.
    classifyFailure: (res) => (res.status === 403 && a.usesLogin ? 'reauthenticate' : undefined),
  });
  const assets = (limit: number) =>
    paginate<RawRecord>(api, {
      path: ASSETS_PATH,
      query: { limit, minimumAssetId: 1, viewId: view || undefined },
      items: 'data',
      strategy: nextAssetId(),
      signal: ctx.signal,
    });

  return {
    async check() {
      const intro = `authenticated to ${displayUrl(base)} with the ${a.usesLogin ? a.who : 'API token in session_token'}${view ? ` (view ${view})` : ''}`;
      for await (const asset of assets(1)) {
        const apps = (assetRecord(asset).oomnitza_software as unknown[]).length;
        return `${intro}; read asset ${String(asset.id)} "${String(asset.computer_name ?? asset.name ?? '')}" (${apps} installed application(s))`;
      }
      return `${intro}; the Asset module lists no assets`;
    },
    async *read() {
      for await (const asset of assets(PAGE_SIZE)) yield assetRecord(asset);
    },
  };
}

export const tanium = defineSource({
  name: 'tanium',
  title: 'Tanium assets (Asset module) with installed applications',
  dataType: 'assets',
  mappingName: 'Tanium',
  settings: taniumSettings,
  defaultMappings: () => ({ APPLICATIONS: { source: 'oomnitza_software' } }),
  create: (settings, ctx) => createTaniumSource(settings, ctx),
});

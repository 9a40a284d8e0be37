/**
 * MunkiReport machines `[munki_report]`: one flat record per machine with the original's eight columns
 * (serial_number, hostname, machine_desc, timestamp, console_user, os_version, remote_ip, manifestname) and the
 * section's db_columns, read from MunkiReport's DataTables endpoint after a form login (see munkiApi.ts).
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, displayUrl, rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { columnsForm, columnsOf, explainMunkiFailure, isSessionRefusal, munkiSessionAuth, rowsOf } from './munkiApi.js';
import { munkiReportSettings, type MunkiReportSettings } from './settings.js';

export function createMunkiReportSource(s: MunkiReportSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section });
  const index = `${base}/index.php`;
  if (!s.username || !s.password) throw new ConfigError({ section: ctx.section, key: s.username ? 'password' : 'username' }, 'the MunkiReport login needs username and password');
  const columns = columnsOf(s.db_columns);
  const { auth, who } = munkiSessionAuth(s, index, ctx.section);
  const api = ctx.http.with({
    auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    explainFailure: explainMunkiFailure(ctx.section, who),
    classifyFailure: (res) => (isSessionRefusal(res) ? 'reauthenticate' : undefined),
  });
  const where = `[${ctx.section}] POST ${index}?/datatables/data`;
  // `length` -1 (MunkiReport's default) is every row; `connector test` asks for one.
  const rows = async (length?: number): Promise<RawRecord[]> => {
    const form = { ...columnsForm(columns), ...(length ? { start: '0', length: String(length) } : {}) };
    const res = await api.request('POST', `${index}?/datatables/data`, { form, signal: ctx.signal });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      throw new ConfigError({ section: ctx.section, key: 'url' }, `${where}: the reply is not JSON (a web page?): check that url is the MunkiReport server and the ${who} may sign in`);
    }
    return rowsOf(body, columns, where);
  };

  return {
    async check() {
      const first = await rows(1);
      const intro = `authenticated to ${displayUrl(base)} as ${who}`;
      if (first.length === 0) return `${intro}; MunkiReport lists no machines`;
      return `${intro}; read machine "${String(first[0].serial_number ?? '')}" (${Object.keys(first[0]).length} of ${columns.length} columns)`;
    },
    async *read() {
      // MunkiReport answers every row in one reply (length -1): nothing to page.
      yield* await rows();
    },
  };
}

export const munkiReport = defineSource({
  name: 'munki_report',
  title: 'MunkiReport machines (the web UI\'s data tables)',
  dataType: 'assets',
  mappingName: 'munki_report',
  settings: munkiReportSettings,
  create: (settings, ctx) => createMunkiReportSource(settings, ctx),
});

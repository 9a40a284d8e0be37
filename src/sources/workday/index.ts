/**
 * Workday `[workday]`: the entries of a custom report, read through Report-as-a-Service (RaaS) with one GET of the
 * report's JSON link and Basic auth. Records are the report's `Report_Entry[]`, with whatever fields (aliases) the
 * report defines. RaaS has no paging and a report may run to gigabytes, so the body is streamed and parsed entry
 * by entry instead of being held in memory (twice, as text and as objects) as the original did.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { basicAuth, jsonItems, type FailedRequest, type HttpClient } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { workdaySettings, type WorkdaySettings } from './settings.js';

/**
 * The report URL to request. A link without `format` gets `format=json` (RaaS answers XML by default, on which the
 * original failed); a link asking for another format is a config error rather than a parse error later.
 */
export function reportUrlOf(raw: string, section: string): URL {
  const fail = (why: string) => new ConfigError({ section, key: 'report_url' }, `${why} (paste the report's JSON link: https://<host>/ccx/service/customreport2/<tenant>/<owner>/<report>?format=json)`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(`"${raw}" must start with https://`);
  const format = url.searchParams.get('format');
  if (format === null) url.searchParams.set('format', 'json');
  else if (format.toLowerCase() !== 'json') throw fail(`asks Workday for format=${format}, which this source cannot read`);
  return url;
}

/** What a final 401, 403 or 404 from RaaS means for the admin (RaaS error bodies are not documented publicly). */
function explainWorkdayFailure(section: string, username: string, report: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'password' }, `Workday refused user "${username}" (HTTP 401${said}): check username and password`);
    }
    if (f.status === 403) {
      return new PermanentError(`Workday: user "${username}" may not run report "${report}" (HTTP 403${said}): share the report with this account (or its security group) and grant it the report's data source domains`);
    }
    if (f.status === 404) {
      return new ConfigError({ section, key: 'report_url' }, `Workday has no report at ${new URL(f.url).pathname} (HTTP 404${said}): check report_url; the report must be an Advanced report with "Enable As Web Service", and the link names its owner and name`);
    }
    return undefined;
  };
}

/** The report's entries, one by one as they arrive; an entry that is not an object is reported and skipped. */
async function* reportEntries(api: HttpClient, url: URL, ctx: SourceContext): AsyncGenerator<RawRecord> {
  const res = await api.stream('GET', url.toString(), { signal: ctx.signal });
  const where = `[${ctx.section}] GET ${res.url}`;
  const type = String(res.headers['content-type'] ?? '');
  if (type && !/json/i.test(type)) {
    // Leaving the loop closes the connection instead of downloading a report we cannot read.
    for await (const _ of res.body) break;
    throw new PermanentError(`${where}: Workday answered ${type.split(';')[0]}, not JSON: check that report_url is the report's JSON link`);
  }
  let n = 0;
  for await (const entry of jsonItems<unknown>(res.body, 'Report_Entry', where)) {
    n++;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      ctx.reportFailure(`Report_Entry #${n}`, new PermanentError(`entry ${n} of the report is not an object`));
      continue;
    }
    yield entry as RawRecord;
  }
  ctx.log.info(`report read: ${n} entries`);
}

export function createWorkdaySource(s: WorkdaySettings, ctx: SourceContext): Source {
  const url = reportUrlOf(s.report_url, ctx.section);
  const report = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  const api = ctx.http.with({
    auth: basicAuth(s.username, s.password),
    headers: { accept: 'application/json' },
    timeoutMs: s.timeout * 1000,
    // A report takes minutes to generate: one retry of a transient failure, not five.
    retry: { retries: 1 },
    explainFailure: explainWorkdayFailure(ctx.section, s.username, report),
  });
  return {
    async check() {
      const who = `authenticated as "${s.username}"`;
      for await (const entry of reportEntries(api, url, ctx)) {
        const fields = Object.keys(entry);
        return `${who}; report "${report}" returned entries; the first has ${fields.length} field(s): ${fields.slice(0, 8).join(', ')}${fields.length > 8 ? ', ...' : ''}`;
      }
      return `${who}; report "${report}" has no entries (check its filters and prompts)`;
    },
    read: () => {
      ctx.log.info(`running report "${report}" (Workday answers once the whole report is generated; timeout ${s.timeout} s)`);
      return reportEntries(api, url, ctx);
    },
  };
}

export const workday = defineSource({
  name: 'workday',
  title: 'Workday: the entries of a custom report (Report-as-a-Service, JSON)',
  dataType: 'users',
  mappingName: 'Workday',
  settings: workdaySettings,
  defaultMappings: () => ({ PERMISSIONS_ID: { setting: 'default_role' } }),
  create: createWorkdaySource,
});

/**
 * Android Enterprise devices `[android_enterprise]`, from the Android Management API: every device of one
 * enterprise (`GET /v1/enterprises/{id}/devices`, `pageToken` pages of at most 100), read by a service account of
 * the Google Cloud project that created the enterprise (no domain-wide delegation: the API authorises the project,
 * not a Workspace administrator). Deleted devices are not listed.
 * https://developers.google.com/android/management/reference/rest/v1/enterprises.devices/list
 */
import { ConfigError } from '../../errors.js';
import { cursorAt, paginate, type FailedRequest } from '../../http/index.js';
import { googleApiClient } from '../google/api.js';
import { googleServiceAccountAuth, serviceAccountOf, type ServiceAccount } from '../google/serviceAccount.js';
import { defineSource, type RawRecord } from '../types.js';
import { toRecord } from './record.js';
import { androidEnterpriseSettings } from './settings.js';

/** The API's only scope: there is no read-only one, so the token could change devices; the source only lists them. */
export const ANDROID_MANAGEMENT_SCOPE = 'https://www.googleapis.com/auth/androidmanagement';

/** A final 403 or 404 of the enterprise's device list: the enterprise is not this project's, or does not exist. */
function explainEnterpriseFailure(section: string, enterprise: string, account: ServiceAccount) {
  const email = account.key.client_email;
  const project = account.key.project_id ? `Google Cloud project "${account.key.project_id}"` : 'the Google Cloud project of the service account';
  return (f: FailedRequest): Error | undefined => {
    if (f.status === 403) {
      return new ConfigError({ section, key: 'enterprise_id' },
        `service account "${email}" may not read ${enterprise} (HTTP 403: ${f.said}): the enterprise must have been created by ${project}, ` +
        'and the service account needs the role Android Management User (roles/androidmanagement.user) in that project');
    }
    if (f.status === 404 && /NOT_FOUND/.test(f.said)) {
      return new ConfigError({ section, key: 'enterprise_id' }, `there is no ${enterprise} (HTTP 404: ${f.said}): check enterprise_id`);
    }
    return undefined;
  };
}

export const androidEnterprise = defineSource({
  name: 'android_enterprise',
  title: 'Android Enterprise devices (Android Management API, service account of the enterprise\'s Cloud project)',
  dataType: 'assets',
  mappingName: 'AndroidEnterprise',
  settings: androidEnterpriseSettings,
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  create(s, ctx) {
    const account = serviceAccountOf(s, ctx.section);
    const enterprise = `enterprises/${s.enterprise_id}`;
    const auth = googleServiceAccountAuth({ section: ctx.section, account, scope: ANDROID_MANAGEMENT_SCOPE, tokenUrl: s.token_url });
    const api = googleApiClient(ctx, {
      api: 'Android Management API', service: 'androidmanagement.googleapis.com', url: s.url, auth, account,
      rate_limit_max_wait: s.rate_limit_max_wait, explain: explainEnterpriseFailure(ctx.section, enterprise, account),
    });
    const path = `/v1/${enterprise}/devices`;
    const who = `authenticated as ${auth.describe!()}`;

    return {
      async check() {
        // One device, retried once at most: `connector test` should answer quickly when Google is unreachable.
        const page = await api.getJson<{ devices?: RawRecord[] }>(path, { query: { pageSize: 1 }, retry: { retries: 1 }, signal: ctx.signal });
        const d = page?.devices?.[0];
        if (!d) return `${who}; ${enterprise} has no devices`;
        const hw = (d.hardwareInfo ?? {}) as Record<string, unknown>;
        const what = [hw.model, d.ownership].filter((v) => typeof v === 'string' && v).join(', ');
        return `${who}; read device "${String(d.name)}" of ${enterprise}${what ? ` (${what})` : ''}`;
      },
      async *read() {
        ctx.log.info(`reading devices of ${enterprise} from ${s.url} (${s.page_size} per page)`);
        const devices = paginate<RawRecord>(api, { path, query: { pageSize: s.page_size }, items: 'devices', strategy: cursorAt('nextPageToken', 'pageToken'), signal: ctx.signal });
        for await (const device of devices) yield toRecord(device);
      },
    };
  },
});

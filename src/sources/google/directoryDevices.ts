/**
 * The two Admin SDK Directory device lists of the original, `[chromebooks]` (chromeosdevices) and
 * `[google_mobile_devices]` (mobiledevices), which differ only in scope, path, list key and wording:
 * the service account acts as a Workspace administrator (domain-wide delegation), lists the customer's devices with
 * `projection=FULL` and follows `nextPageToken`. Records are the API's device resources as they come, as in the original.
 * https://developers.google.com/workspace/admin/directory/reference/rest/v1/chromeosdevices/list
 * https://developers.google.com/workspace/admin/directory/reference/rest/v1/mobiledevices/list
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { ConfigError } from '../../errors.js';
import { cursorAt, paginate, type FailedRequest } from '../../http/index.js';
import { defineSource, type RawRecord, type SourcePlugin } from '../types.js';
import { googleApiClient } from './api.js';
import { googleServiceAccountAuth, serviceAccountOf } from './serviceAccount.js';
import { googleEndpointSettings, impersonateSetting, serviceAccountKeySettings } from './settings.js';

export const ADMIN_HOST = 'https://admin.googleapis.com';
/** The original's customer: the one of the impersonated administrator. */
const CUSTOMER = 'my_customer';

export interface DirectoryDeviceKind {
  name: string;
  title: string;
  mappingName: string;
  /** The read-only scope, the only one requested (and the one to delegate in the Admin console). */
  scope: string;
  /** Below /admin/directory/v1/customer/{customer}/ */
  path: string;
  /** The list's key in the response body. */
  items: string;
  /** "Chrome device", "mobile device". */
  noun: string;
  /** Google's largest maxResults for this list. */
  maxPageSize: number;
  /** The Admin console privilege an administrator role needs to read these devices. */
  privilege: string;
  /** A device's name in `connector test`. */
  describe(device: RawRecord): string;
}

function directorySettings(kind: DirectoryDeviceKind) {
  return {
    ...impersonateSetting,
    ...serviceAccountKeySettings,
    ...googleEndpointSettings(ADMIN_HOST),
    page_size: setting.int({
      default: kind.maxPageSize,
      min: 1,
      max: kind.maxPageSize,
      description: `${kind.noun[0].toUpperCase()}${kind.noun.slice(1)}s per page (maxResults; Google allows at most ${kind.maxPageSize}).`,
    }),
  };
}

export type DirectorySettings = SettingsOf<ReturnType<typeof directorySettings>>;

/** A final 403 from the Directory API: which administrator privilege is missing. */
function explainDirectoryFailure(section: string, kind: DirectoryDeviceKind, subject: string) {
  return (f: FailedRequest): Error | undefined => {
    if (f.status === 403 && /forbidden|Not Authorized/i.test(f.said)) {
      return new ConfigError({ section, key: 'service_account_impersonate' },
        `"${subject}" may not read ${kind.noun}s (HTTP 403: ${f.said}): impersonate a super administrator, or an administrator ` +
        `whose role has the privilege ${kind.privilege} (Admin console > Account > Admin roles)`);
    }
    return undefined;
  };
}

export function directoryDeviceSource(kind: DirectoryDeviceKind): SourcePlugin<ReturnType<typeof directorySettings>> {
  return defineSource({
    name: kind.name,
    title: kind.title,
    dataType: 'assets',
    mappingName: kind.mappingName,
    settings: directorySettings(kind),
    create(s, ctx) {
      const subject = s.service_account_impersonate.trim();
      // Checked first: the original crashed here (StopIteration in a generator) instead of saying what is missing.
      if (!subject) {
        throw new ConfigError({ section: ctx.section, key: 'service_account_impersonate' },
          'is empty: set the e-mail of the Google Workspace administrator the service account acts as (domain-wide delegation)');
      }
      const account = serviceAccountOf(s, ctx.section);
      const auth = googleServiceAccountAuth({ section: ctx.section, account, scope: kind.scope, subject, tokenUrl: s.token_url });
      const api = googleApiClient(ctx, {
        api: 'Admin SDK API', service: 'admin.googleapis.com', url: s.url, auth, account, rate_limit_max_wait: s.rate_limit_max_wait,
        explain: explainDirectoryFailure(ctx.section, kind, subject),
      });
      const path = `/admin/directory/v1/customer/${CUSTOMER}/${kind.path}`;
      const who = `authenticated as ${auth.describe!()}`;

      return {
        async check() {
          // One page of one device, retried once at most: `connector test` should answer quickly when Google is unreachable.
          const page = await api.getJson<Record<string, RawRecord[] | undefined>>(path, {
            query: { projection: 'BASIC', maxResults: 1 }, retry: { retries: 1 }, signal: ctx.signal,
          });
          const device = page?.[kind.items]?.[0];
          return device ? `${who}; read ${kind.noun} ${kind.describe(device)}` : `${who}; the administrator sees no ${kind.noun}s`;
        },
        read() {
          ctx.log.info(`reading ${kind.noun}s of ${CUSTOMER} from ${s.url} (${s.page_size} per page)`);
          return paginate<RawRecord>(api, {
            path, query: { projection: 'FULL', maxResults: s.page_size }, items: kind.items, strategy: cursorAt('nextPageToken', 'pageToken'), signal: ctx.signal,
          });
        },
      };
    },
  });
}

/**
 * Chef Infra Server nodes `[chef]`: every node of the organization (`search/node?q=name:*`, `rows`/`start` pages of
 * 1000), each turned into the original's `hardware` record. Every request is signed with the client's RSA key
 * (signing.ts) through the kit's signedRequests. Assets; MappingName `Chef`; no default mappings (as the original).
 */
import fs from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ConfigError, PermanentError } from '../../errors.js';
import { displayUrl, offsetLimit, paginate, rateLimitOf, signedRequests, type FailedRequest, type HttpClientLike } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { audit } from './audit.js';
import { chefSettings, type ChefSettings } from './settings.js';
import { chefSigner } from './signing.js';

/** The original's page size. */
export const PAGE_SIZE = 1000;
/** What the original sends as X-Chef-Version. */
const CHEF_VERSION = '0.10.8';

function loadKey(file: string, section: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(fs.readFileSync(file));
  } catch (err) {
    throw new ConfigError({ section, key: 'key_file' }, `${file} is not a readable PEM private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new ConfigError({ section, key: 'key_file' }, `${file} holds a ${String(key.asymmetricKeyType)} key; Chef keys are RSA`);
  return key;
}

/** `{"error": ["Failed to authenticate as 'x'. ..."]}` -> its text. */
export function chefErrorText(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (Array.isArray(error)) return error.filter((e) => typeof e === 'string').join('; ') || undefined;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

function explainChefFailure(section: string, client: string, version: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      const clock = /clock/i.test(f.said) ? ": this machine's clock is off (a signature is valid 15 minutes)" : '';
      const hint = version === '1.0' ? '; a server in FIPS mode needs sign_version = 1.3' : '';
      return new ConfigError({ section, key: 'key_file' },
        `the Chef server refused the signed request of client "${client}" (HTTP 401${said})${clock || `: check client and key_file${hint}`}`);
    }
    if (f.status === 403) return new PermanentError(`Chef: client "${client}" may not search nodes (HTTP 403${said}): it needs read permission on the organization's nodes (e.g. membership of the "users" or "clients" group)`);
    if (f.status === 400 && /protocol version|X-Ops-Sign/i.test(f.said)) {
      return new ConfigError({ section, key: 'sign_version' }, `the Chef server does not accept signing protocol ${version} (HTTP 400${said}): set sign_version = ${version === '1.0' ? '1.3' : '1.0'}`);
    }
    if (f.status === 404) return new ConfigError({ section, key: 'url' }, `no Chef organization at ${f.url.replace(/\/search\/node$/, '')} (HTTP 404${said}): url is https://host/organizations/ORG`);
    return undefined;
  };
}

export interface ChefOptions {
  /** Nodes per page (the original's 1000); smaller in tests. */
  pageSize?: number;
  now?: () => number;
}

export function createChefSource(s: ChefSettings, ctx: SourceContext, opts: ChefOptions = {}): Source {
  const key = loadKey(s.key_file, ctx.section);
  const client = ctx.http.with({
    baseUrl: s.url,
    auth: signedRequests(chefSigner(key, s.client, s.sign_version), {
      describe: `client "${s.client}"`,
      // The client's name and the time are not secrets; Chef's messages name the client.
      publicHeaders: ['x-ops-userid', 'x-ops-timestamp', 'x-ops-sign', 'x-ops-content-hash', 'x-ops-server-api-version'],
      now: opts.now,
    }),
    headers: { accept: 'application/json', 'x-chef-version': CHEF_VERSION },
    rateLimit: rateLimitOf(s),
    errorText: chefErrorText,
    explainFailure: explainChefFailure(ctx.section, s.client, s.sign_version),
  });
  const nodes = (api: HttpClientLike, pageSize = opts.pageSize ?? PAGE_SIZE) =>
    paginate<RawRecord>(api, {
      // Joined to the organization's path (the latest original's urljoin dropped the org without a trailing slash).
      path: `${s.url}/search/node`,
      query: { q: 'name:*' },
      items: 'rows',
      strategy: offsetLimit({ pageSize, offset: 'start', limit: 'rows' }),
      signal: ctx.signal,
    });
  const auditOptions = { attributeExtension: s.attribute_extension, nodeMappings: s.node_mappings };
  const label = (node: RawRecord) => `node "${String(node.name)}"`;

  return {
    async check() {
      const probe = client.with({ retry: { retries: 1 } });
      const intro = `authenticated to ${displayUrl(s.url)} as client "${s.client}" (signing ${s.sign_version})`;
      for await (const node of nodes(probe, 1)) {
        const { hardware } = audit(node, auditOptions) as { hardware: Record<string, unknown> };
        return `${intro}; read ${label(node)} (${String(hardware.platform)} ${String(hardware.platform_version)})`;
      }
      return `${intro}; no nodes`;
    },
    async *read() {
      let warned = false;
      const warn = (m: string) => {
        if (!warned) ctx.log.warn(`${m}; set node_mappings to read serial numbers of such nodes`);
        warned = true;
      };
      for await (const node of nodes(client)) {
        let record: RawRecord;
        try {
          record = audit(node, { ...auditOptions, warn });
        } catch (err) {
          // A node the original could not audit was left out with a log line: reported here, and the rest go on.
          ctx.reportFailure(label(node), err);
          continue;
        }
        yield record;
      }
    },
  };
}

export const chef = defineSource({
  name: 'chef',
  title: 'Chef Infra Server nodes (requests signed with the client key)',
  dataType: 'assets',
  mappingName: 'Chef',
  settings: chefSettings,
  // The original has no default mappings: the Oomnitza mapping named "Chef" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createChefSource(settings, ctx),
});

/**
 * Integration definitions for the routes of fakeSaas.ts, written the way the Oomnitza cloud writes them: `{key, value}`
 * header and param lists, templates everywhere, inputs as `{value}` objects, `pagination.break_early`/`add_if`. The
 * fetch engine's tests and the runner's end-to-end tests share them. `base` is the fake's URL, as a cloud input.
 */
import type { ManagedIntegrationDefinition } from '../../src/managed/fetch/types.js';

const kv = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value }));

export function definition(name: string, base: string, behaviours: Partial<ManagedIntegrationDefinition>, inputs: Record<string, unknown> = {}): ManagedIntegrationDefinition {
  return { id: 7, name, inputs: { base_url: { value: base }, ...inputs }, ...behaviours };
}

/** Link header paging: follows rel="next" until there is none. */
export const linkUsers = (base: string, perPage = 2) =>
  definition('Link users', base, {
    list_behavior: {
      http_method: 'GET',
      url: `{% if list_response_links.next %}{{ list_response_links.next.url }}{% else %}{{ inputs.base_url }}/link/users?per_page=${perPage}{% endif %}`,
      headers: kv({ Accept: 'application/json' }),
      params: [],
      result: '{{ list_response }}',
      pagination: { break_early: '{{ iteration > 0 and not list_response_links.next }}' },
    },
  });

/** OData: the next page is the body's @odata.nextLink. */
export const odataUsers = (base: string) =>
  definition('OData users', base, {
    list_behavior: {
      http_method: 'GET',
      url: "{{ list_response['@odata.nextLink'] or (inputs.base_url ~ '/odata/users') }}",
      headers: [],
      params: [],
      result: "{{ list_response['value'] }}",
      pagination: { break_early: "{{ iteration > 0 and not list_response['@odata.nextLink'] }}" },
    },
  });

/** offset/limit with break_early on the total. */
export const offsetDevices = (base: string, limit = 2) =>
  definition('Offset devices', base, {
    list_behavior: {
      http_method: 'GET',
      url: '{{ inputs.base_url }}/offset/devices',
      headers: [],
      params: kv({ offset: `{{ iteration * ${limit} }}`, limit: String(limit) }),
      result: "{{ list_response['devices'] }}",
      pagination: { break_early: `{{ iteration > 0 and iteration * ${limit} >= list_response['total'] }}` },
    },
  });

/** Page tokens: add_if adds the token param from the previous page. */
export const tokenDevices = (base: string) =>
  definition('Token devices', base, {
    list_behavior: {
      http_method: 'GET',
      url: '{{ inputs.base_url }}/token/devices',
      headers: [],
      params: [],
      result: "{{ list_response['devices'] }}",
      pagination: {
        break_early: "{{ iteration > 0 and not list_response.get('next_page_token') }}",
        add_if: "{{ list_response.get('next_page_token') }}",
        headers: [],
        params: kv({ page_token: "{{ list_response['next_page_token'] }}" }),
      },
    },
  });

/** XML body (xmltodict shape), one page. */
export const xmlComputers = (base: string) =>
  definition('XML computers', base, {
    list_behavior: {
      http_method: 'GET',
      url: '{{ inputs.base_url }}/xml/computers',
      headers: [],
      params: [],
      result: "{{ list_response['computers']['computer'] }}",
      pagination: { break_early: '{{ iteration > 0 }}' },
    },
  });

/** Session login (POST JSON, cookie + rotating CSRF header), then session pages; saas_authorization for it. */
export const sessionDevices = (base: string) =>
  definition(
    'Session devices',
    base,
    {
      list_behavior: {
        http_method: 'GET',
        url: '{{ inputs.base_url }}/session/devices',
        headers: [],
        params: kv({ page: '{{ iteration }}' }),
        result: "{{ list_response['devices'] }}",
        pagination: { break_early: "{{ iteration > 0 and not list_response['has_more'] }}" },
      },
    },
    { username: { value: 'admin' }, password: { value: 's3cret' } },
  );

export const sessionAuthorization = () => ({
  type: 'session',
  behavior: {
    http_method: 'POST',
    url: '{{ inputs.base_url }}/session/login',
    headers: kv({ 'Content-Type': 'application/json' }),
    params: [],
    body: '{"username": "{{ inputs.username }}", "password": "{{ inputs.password }}"}',
    result: { headers: kv({ 'X-CSRF-Token': "{{ response_headers['X-CSRF-Token'] }}" }), params: [] },
  },
});

/** A detail call per list item. */
export const detailBehaviour = () => ({
  http_method: 'GET',
  url: "{{ inputs.base_url }}/details/{{ list_response_item['id'] }}",
  headers: [],
  params: [],
  result: '{{ detail_response }}',
});

/** Software with its own call per record. */
export const softwareBehaviour = () => ({
  enabled: true,
  http_method: 'GET',
  url: "{{ inputs.base_url }}/software/{{ detail_response['id'] }}",
  headers: [],
  params: [],
  result: "{{ software_response['apps'] }}",
  name: "{{ software_response_item['name'] }}",
  version: "{{ software_response_item['version'] }}",
});

/** Static auth: `saas_authorization` as config.ini holds it. */
export const staticAuthorization = (apiKey = 'key-123') => JSON.stringify({ headers: { 'X-Api-Key': apiKey }, params: {} });

/** What a stored credential signs (O12): pages of /signed/users; the auth comes only from the cloud's answer. */
export const signedUsers = (base: string) =>
  definition('Signed users', base, {
    list_behavior: {
      http_method: 'GET',
      url: '{{ inputs.base_url }}/signed/users',
      headers: kv({ Accept: 'application/json' }),
      params: kv({ page: '{{ iteration + 1 }}' }),
      result: "{{ list_response['users'] }}",
      pagination: { break_early: "{{ iteration > 0 and not list_response['has_more'] }}" },
    },
  });

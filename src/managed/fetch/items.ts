/**
 * Per list item (§9.5–§9.7): the detail call, the software list, the SaaS info; each in a copy of the page's
 * context, so that items of a batch can be processed side by side. A failure makes that item an error item
 * (the raw list item and the original's message); the other items go on.
 */
import type { Context } from './context.js';
import { isDict, pyIter, truthy } from './python.js';
import type { Renderer } from './render.js';
import type { SaasCaller } from './request.js';
import type { Behaviour, FetchedItem, ManagedIntegrationDefinition } from './types.js';

export const DETAIL_FAILED = 'Failed to fetch the details of a single item from the block. The error is: ';
export const SOFTWARE_FAILED = 'Failed to fetch the software information. The error is: ';
export const SAAS_FAILED = 'Failed to fetch the saas information. The error is: ';

export class ItemProcessor {
  constructor(
    private readonly integration: ManagedIntegrationDefinition,
    private readonly renderer: Renderer,
    private readonly saas: SaasCaller,
  ) {}

  async process(item: unknown, pageContext: Context): Promise<FetchedItem> {
    const context: Context = { ...pageContext };
    let record: unknown;
    try {
      record = await this.detail(item, context);
    } catch (err) {
      return { raw: item, error: DETAIL_FAILED + errorText(err) };
    }
    try {
      record = await this.software(record, context);
    } catch (err) {
      return { raw: item, error: SOFTWARE_FAILED + errorText(err) };
    }
    try {
      record = this.saasInfo(record);
    } catch (err) {
      return { raw: item, error: SAAS_FAILED + errorText(err) };
    }
    return { record };
  }

  private async detail(item: unknown, context: Context): Promise<unknown> {
    const behaviour = this.integration.detail_behavior;
    const origin = { pre_list_response_item: context.pre_list_response_item ?? null, exploratory_list_response_item: context.exploratory_list_response_item ?? null };
    if (!truthy(behaviour)) return isDict(item) ? { ...item, ...origin } : item;
    context.list_response_item = item;
    const { request } = await this.saas.build(behaviour as Behaviour, context);
    const reply = await this.saas.send(request, context);
    let record = reply.body;
    if (truthy((behaviour as Behaviour).result)) {
      context.detail_response = reply.body;
      record = await this.renderer.one(context, (behaviour as Behaviour).result, 'native');
    }
    return isDict(record) ? { ...record, list_response_item: item, ...origin } : record;
  }

  private async software(record: unknown, context: Context): Promise<unknown> {
    const behaviour = this.integration.software_behavior;
    if (!isDict(behaviour) || !truthy(behaviour.enabled)) return record;
    context.detail_response = record;
    if (truthy(behaviour.url) && truthy(behaviour.http_method)) {
      const { request } = await this.saas.build(behaviour, context);
      context.software_response = (await this.saas.send(request, context)).body;
    } else {
      context.software_response = record;
    }
    const list = pyIter(await this.renderer.one(context, behaviour.result, 'native'));
    const software: Array<{ name: unknown; version: unknown; path: null }> = [];
    for (const element of list) {
      context.software_response_item = element;
      const [name, versionNative, versionText] = await this.renderer.all(context, [
        { template: behaviour.name, mode: 'native' },
        { template: behaviour.version, mode: 'native' },
        { template: behaviour.version, mode: 'string' },
      ]);
      software.push({ name, version: versionNative === null || versionNative === undefined ? null : versionText, path: null });
    }
    if (software.length === 0) return record;
    return withKey(record, 'software', software);
  }

  private saasInfo(record: unknown): unknown {
    const behaviour = this.integration.saas_behavior;
    if (!isDict(behaviour) || !truthy(behaviour.enabled) || !truthy(behaviour.sync_key)) return record;
    const saas: Record<string, unknown> = { sync_key: behaviour.sync_key };
    if (truthy(behaviour.selected_saas_id)) saas.selected_saas_id = behaviour.selected_saas_id;
    if (truthy(behaviour.name)) saas.name = behaviour.name;
    return withKey(record, 'saas', saas);
  }
}

/** `record[key] = value` as Python would do it, failing as Python does on a record that is not a dict. */
function withKey(record: unknown, key: string, value: unknown): Record<string, unknown> {
  if (isDict(record)) return { ...record, [key]: value };
  if (Array.isArray(record)) throw new TypeError('list indices must be integers or slices, not str');
  const type = record === null || record === undefined ? 'NoneType' : typeof record === 'string' ? 'str' : typeof record === 'boolean' ? 'bool' : Number.isInteger(record) ? 'int' : 'float';
  throw new TypeError(`'${type}' object does not support item assignment`);
}

/** str(e) of the original: the message (HTTP errors already read as requests' HTTPError). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}


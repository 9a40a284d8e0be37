/**
 * Insight order status `[insight]`: the orders created in a date range, read in 60-day windows, one asset record
 * per delivered serial number (see records.ts for the shape). Assets; MappingName `insight`.
 */
import { ConfigError } from '../../errors.js';
import { concurrencyOf, fanOut, rateLimitOf } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { apigeeErrorText, explainInsightFailure, insightAuth, ordersCreated, type OrderList } from './api.js';
import { dateWindows, localDate } from './dateWindows.js';
import { orderRecords } from './records.js';
import { insightSettings, type InsightSettings } from './settings.js';

/** The range to read: the settings, with today and the look-back period filled in at the start of the run. */
export function dateRange(s: InsightSettings, section: string, now = new Date()): [string, string] {
  const to = s.order_creation_date_to || localDate(now);
  const from = s.order_creation_date_from || localDate(now, s.look_back_period);
  if (from > to) {
    throw new ConfigError({ section, key: 'order_creation_date_from' }, `order_creation_date_from ${from} is after order_creation_date_to ${to}`);
  }
  return [from, to];
}

/** An order's identity across the touching ends of two windows. */
const orderKey = (order: Record<string, unknown>) => JSON.stringify(order.OrderHeader ?? order);

export function createInsightSource(s: InsightSettings, ctx: SourceContext): Source {
  if (s.order_creation_date_from && s.order_creation_date_to) dateRange(s, ctx.section); // a reversed range: before any call
  const auth = insightAuth(s);
  const api = ctx.http.with({
    baseUrl: s.url.replace(/\/+$/, ''),
    auth,
    headers: { accept: 'application/json' },
    errorText: apigeeErrorText,
    rateLimit: rateLimitOf(s),
    explainFailure: explainInsightFailure(ctx.section, s.client_key),
  });

  return {
    async check() {
      const [, to] = dateRange(s, ctx.section);
      const orders = await ordersCreated(api.with({ retry: { retries: 1 } }), s, localDate(new Date(`${to}T12:00:00`), 7), to, ctx.signal);
      const serials = orders.reduce((n, o) => n + orderRecords(o).records.length, 0);
      return `authenticated to ${s.url} as ${auth.describe!()}; the last 7 days have ${orders.length} order(s), ${serials} delivered serial number(s)`;
    },
    async *read() {
      const [from, to] = dateRange(s, ctx.section);
      const windows = dateWindows(from, to);
      ctx.log.info(`reading orders created ${from}..${to} in ${windows.length} window(s) of at most 60 days`);
      const pages = fanOut(windows, {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: ([a, b]) => ordersCreated(api, s, a, b, ctx.signal),
        label: ([a, b]) => `orders created ${a}..${b}`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
      let previous = new Set<string>();
      let unshipped = 0;
      let ambiguous = 0;
      for await (const orders of pages as AsyncIterable<OrderList>) {
        const seen = new Set<string>();
        for (const order of orders) {
          const key = orderKey(order);
          seen.add(key);
          if (previous.has(key)) continue; // created on the day two windows share
          const found = orderRecords(order);
          unshipped += found.unshipped;
          ambiguous += found.ambiguousBilling;
          yield* found.records;
        }
        previous = seen;
      }
      if (unshipped) ctx.log.info(`${unshipped} line item(s) or deliveries have no serial number yet (not shipped): no record for them`);
      if (ambiguous) ctx.log.warn(`${ambiguous} deliveries have more than one BillingInformation: BillingInformation is {} in their records`);
    },
  };
}

export const insight = defineSource({
  name: 'insight',
  title: 'Insight order status (one asset per delivered serial number)',
  dataType: 'assets',
  mappingName: 'insight',
  settings: insightSettings,
  // The original has no default mappings: the cloud's mapping named "insight" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createInsightSource(settings, ctx),
});

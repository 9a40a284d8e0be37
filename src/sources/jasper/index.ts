/**
 * Cisco IoT Control Center (formerly Jasper) terminals `[jasper]`: the SIMs modified since the last successful run
 * (the watermark in the `storage` file), every page of them, with their details fetched 50 ICCIDs a request.
 * Assets; MappingName `Jasper`. The watermark moves on only after the pipeline says the run succeeded.
 */
import path from 'node:path';
import { ConfigError, PermanentError } from '../../errors.js';
import { concurrencyOf, displayUrl, fanOut, isAuthFailure, isXmlText, rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { ControlCenter, DEFAULT_SINCE, DETAILS_BATCH } from './controlCenter.js';
import { parseXsdDateTime } from './dateTime.js';
import { iccidOf, terminalRecord } from './records.js';
import { DEFAULT_WSDL, jasperSettings, type JasperSettings } from './settings.js';
import { WatermarkFile } from './watermark.js';
import { wsdlLocation } from './wsdl.js';

/** Missing terminals named in the warning; the rest are counted. */
const SHOWN = 5;

/** Validates the settings (ConfigError) and builds the source; nothing connects and no file is read until check()/read(). */
export function createJasperSource(s: JasperSettings, ctx: SourceContext): Source {
  const { section } = ctx;
  for (const key of ['username', 'password', 'api_token'] as const) {
    if (!s[key]) throw new ConfigError({ section, key }, 'is required');
    if (!isXmlText(s[key])) throw new ConfigError({ section, key }, 'holds a character that cannot be sent in XML (a control character?)');
  }
  const wsdl = wsdlLocation(s.wsdl_path || DEFAULT_WSDL, ctx.configDir, section);
  const state = new WatermarkFile(path.resolve(ctx.configDir, s.storage.trim() || 'storage.db'), section);
  const cc = new ControlCenter({
    http: ctx.http, wsdl, section, username: s.username, password: s.password, licenseKey: s.api_token,
    rateLimit: rateLimitOf(s), log: ctx.log, signal: ctx.signal,
  });
  const who = () => `as user "${s.username}"`;
  /** The watermark this run earned; saved by onRunComplete when the pipeline says every record arrived. */
  let earned: string | undefined;

  return {
    async check() {
      const since = await state.read();
      const { endpoint } = await cc.terminalService();
      const saved = `state file ${state.file}: ${since ? `last sync ${since}` : 'no sync yet'}`;
      const head = `authenticated to ${displayUrl(endpoint)} ${who()}`;
      const listing = cc.modifiedTerminals(DEFAULT_SINCE).iccids;
      // Pages are read as they are consumed: taking the first ICCID asks for the first page only.
      for await (const iccid of listing) {
        const [terminal] = await cc.terminalDetails([iccid]);
        if (!terminal) return `${head}; listed terminal ICCID ${iccid} but Control Center returned no details for it; ${saved}`;
        return `${head}; read terminal ICCID ${iccidOf(terminal)} (status ${String(terminal.status ?? 'unknown')}); ${saved}`;
      }
      return `${head}; no terminals (none modified since ${DEFAULT_SINCE}); ${saved}`;
    },

    async *read() {
      earned = undefined;
      const since = (await state.read()) ?? DEFAULT_SINCE;
      ctx.log.info(`reading terminals modified since ${since} (state file ${state.file})`);
      const listing = cc.modifiedTerminals(since);
      // Listed ICCIDs without details: counted, the first few named (an account could lose many at once).
      const missing = { count: 0, shown: [] as string[] };
      let newest: { epochMs: number; text: string } | undefined;
      let listed = 0;

      /** One failed request fails its ICCIDs, not the run; bad credentials stop it (fanOut). */
      const fail = (iccids: string[], err: unknown) => {
        if (ctx.signal.aborted || isAuthFailure(err)) throw err;
        for (const iccid of iccids) ctx.reportFailure(`terminal ICCID ${iccid}`, err);
      };
      const details = async (batch: string[]): Promise<RawRecord[]> => {
        let terminals: Array<Record<string, unknown>>;
        try {
          terminals = await cc.terminalDetails(batch);
        } catch (err) {
          if (!(err instanceof PermanentError) || batch.length === 1 || isAuthFailure(err)) {
            fail(batch, err);
            return [];
          }
          // One ICCID Control Center refuses fails the whole request: ask for each alone, so only that one is reported.
          ctx.log.warn(`GetTerminalDetails refused a batch of ${batch.length} ICCIDs (${(err as Error).message}); asking for each alone`);
          terminals = [];
          for (const iccid of batch) {
            try {
              terminals.push(...(await cc.terminalDetails([iccid])));
            } catch (one) {
              fail([iccid], one);
            }
          }
        }
        return inRequestOrder(batch, terminals, missing).map((t) => {
          const modified = parseXsdDateTime(t.dateModified);
          if (modified && (!newest || modified.epochMs > newest.epochMs)) newest = { epochMs: modified.epochMs, text: String(t.dateModified).trim() };
          return terminalRecord(t);
        });
      };

      const counted = async function* (iccids: AsyncIterable<string>) {
        for await (const iccid of iccids) {
          listed++;
          yield iccid;
        }
      };
      const results = fanOut(batches(counted(listing.iccids), DETAILS_BATCH), {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: details,
        label: (batch) => `terminals ICCID ${batch[0]} to ${batch[batch.length - 1]} (${batch.length})`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
      for await (const records of results) yield* records;
      if (ctx.signal.aborted) return;

      ctx.log.info(`${listed} terminal(s) modified since ${since}`);
      if (missing.count) {
        ctx.log.warn(`${missing.count} listed terminal(s) have no details in Control Center (deleted or moved to another account since they were listed): ` +
          `${missing.shown.join(', ')}${missing.count > missing.shown.length ? ', ...' : ''}`);
      }
      // The server's clock when the listing began: a terminal changed during the run is read again next time.
      const listedAt = listing.listedAt();
      earned = listedAt && parseXsdDateTime(listedAt) ? listedAt : newest?.text;
      if (!earned) ctx.log.warn(`Control Center sent no usable timestamp and no terminal had a dateModified: the watermark stays at ${since}`);
    },

    async onRunComplete() {
      if (!earned) return;
      await state.write(earned);
      ctx.log.info(`saved the watermark ${earned} to ${state.file}`);
      earned = undefined;
    },
  };
}

/** The terminals of `batch` in its order (Control Center does not keep it); ICCIDs it did not return go to `missing`. */
function inRequestOrder(batch: string[], terminals: Array<Record<string, unknown>>, missing: { count: number; shown: string[] }): Array<Record<string, unknown>> {
  const byIccid = new Map<string, Record<string, unknown>>();
  const extra: Array<Record<string, unknown>> = [];
  for (const t of terminals) {
    const iccid = iccidOf(t);
    if (iccid && !byIccid.has(iccid)) byIccid.set(iccid, t);
    else extra.push(t);
  }
  const ordered: Array<Record<string, unknown>> = [];
  for (const iccid of batch) {
    const t = byIccid.get(iccid);
    if (t) {
      ordered.push(t);
      byIccid.delete(iccid);
    } else {
      missing.count++;
      if (missing.shown.length < SHOWN) missing.shown.push(iccid);
    }
  }
  return [...ordered, ...byIccid.values(), ...extra];
}

/** Consecutive groups of `size` from a stream, read lazily. */
async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export const jasper = defineSource({
  name: 'jasper',
  title: 'Cisco IoT Control Center (Jasper): SIMs (terminals) modified since the last successful run',
  dataType: 'assets',
  mappingName: 'Jasper',
  settings: jasperSettings,
  // The original has no default mappings: the cloud's mapping named "Jasper" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createJasperSource(settings, ctx),
});

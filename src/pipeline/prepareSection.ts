/**
 * The steps between a loaded config and a running sync, shared by `upload`, the webhook server and (later) managed
 * mode: connect to Oomnitza, then prepare each section once into the one object every run of it uses.
 */
import type { Config, SectionConfig } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import { getLogger, type Logger } from '../logging.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import type { SnippetSandbox } from '../sandbox/types.js';
import type { ReadRequest, Source } from '../sources/types.js';
import { effectiveMappings, formatMappingsTable } from './effectiveMappings.js';
import { mappedFields, parseConverterSpec, type FieldMappings } from '../records.js';
import { buildLocationTable, createLocationConverter, type LocationTable } from '../converters/location.js';
import type { Converter } from '../converters/types.js';
import type { SectionRuntime } from './sectionRuntime.js';

const log = getLogger('connector');

export interface OomnitzaConnection {
  client: OomnitzaClient;
  /** False in testmode when Oomnitza could not be reached: INI mappings only, nothing sent. */
  online: boolean;
  /** --testmode: records are printed, never sent. */
  testmode: boolean;
}

/** Authenticates once. Outside testmode an unreachable Oomnitza is an error (thrown). */
export async function connectOomnitza(config: Config, testmode: boolean): Promise<OomnitzaConnection> {
  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), testmode ? { retry: { retries: 1 }, timeoutMs: 10_000 } : {});
  try {
    await client.authenticate();
    return { client, online: true, testmode };
  } catch (err) {
    if (!testmode) {
      await client.close();
      throw err;
    }
    log.warn(`Oomnitza is not reachable (${errorMessage(err)}); testmode continues using the INI mappings only`);
    return { client, online: false, testmode };
  }
}

/** Only prepareSection() makes a PreparedSection: a run cannot be assembled from some of its parts. */
declare const preparedBySection: unique symbol;

/**
 * A section ready to sync, built once by prepareSection() and used as is by every run of it (`upload`: one run;
 * `serve`: one per portion). Every part a run needs is here, so none can be left out by a caller.
 */
export interface PreparedSection {
  readonly section: SectionConfig;
  readonly source: Source;
  readonly log: Logger;
  /** Default, server and INI mappings in effect. */
  readonly mappings: FieldMappings;
  /** Converters bound to this section, e.g. `location` with its tables from Oomnitza. */
  readonly converters: Readonly<Record<string, Converter>>;
  /** The section's own sandbox; undefined when it has no custom converter or filter. */
  readonly sandbox: SnippetSandbox | undefined;
  /** What to ask the source for: read(request), or fetchOne(id, request). */
  readonly request: ReadRequest;
  /** Where records are sent; undefined in testmode (nothing is sent). */
  readonly oomnitza: OomnitzaClient | undefined;
  readonly [preparedBySection]: true;
}

export async function prepareSection(rt: SectionRuntime, oomnitza: OomnitzaConnection, showMappings: boolean): Promise<PreparedSection> {
  const { section } = rt;
  const server = oomnitza.online && section.common.use_server_map
    ? await oomnitza.client.getMappings(section.plugin.variant(section.settings as never).mappingName)
    : {};
  const mappings = effectiveMappings(section, server);
  if (showMappings) process.stdout.write(`${formatMappingsTable(section.name, mappings)}\n`);
  if (Object.keys(mappings).length === 0) {
    throw new Error('no field mappings: add mapping.FIELD lines to the section or mappings in Oomnitza');
  }
  const sandbox = await rt.sandbox(Object.values(mappings).flatMap((m) => (m.converter ? [m.converter] : [])));
  const converters = Object.assign(Object.create(null) as Record<string, Converter>, section.converters, await boundConverters(mappings, oomnitza, rt));
  const prepared: Omit<PreparedSection, typeof preparedBySection> = {
    section,
    source: rt.source,
    log: rt.log,
    mappings,
    converters,
    sandbox,
    // Filters and custom converters may read any field, so then the source reads everything it cheaply can.
    request: { fields: mappedFields(mappings), allFields: Boolean(sandbox) },
    oomnitza: oomnitza.testmode ? undefined : oomnitza.client,
  };
  return prepared as PreparedSection;
}

/**
 * The `location` converter translates names to Oomnitza location ids with the list of locations in Oomnitza,
 * loaded once per run (as the original). Unreachable in testmode: names pass through unchanged.
 */
async function boundConverters(mappings: FieldMappings, oomnitza: OomnitzaConnection, rt: SectionRuntime): Promise<Record<string, Converter>> {
  const uses = Object.values(mappings).some((m) => m.converter && parseConverterSpec(m.converter).name.toLowerCase() === 'location');
  if (!uses) return {};
  let locations: unknown = [];
  if (oomnitza.online) {
    try {
      locations = await oomnitza.client.getLocations();
    } catch (err) {
      rt.log.warn(`could not load locations from Oomnitza (${errorMessage(err)}); location names are sent unchanged`);
    }
  }
  const tables = new Map<string, LocationTable>();
  const missed = new Set<string>();
  const location = createLocationConverter(
    (key) => {
      const id = `${key.idField}/${key.labelField}`;
      if (!tables.has(id)) tables.set(id, buildLocationTable(locations, key));
      return tables.get(id);
    },
    (value) => {
      if (missed.size < 100 && !missed.has(value)) {
        missed.add(value);
        rt.log.warn(`location "${value}" is not a location in Oomnitza; sent unchanged`);
      }
    },
  );
  return { location };
}

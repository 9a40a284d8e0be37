/**
 * The steps between a loaded config and a running sync, shared by `upload` and the webhook server:
 * connect to Oomnitza, resolve each section's mappings, start its sandbox when it needs one.
 */
import type { Config } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import { getLogger } from '../logging.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import type { SnippetSandbox } from '../sandbox/types.js';
import type { ReadRequest } from '../sources/types.js';
import { VERSION } from '../version.js';
import { effectiveMappings, formatMappingsTable } from './effectiveMappings.js';
import { mappedFields, parseConverterSpec, type FieldMappings } from '../records.js';
import { buildLocationTable, createLocationConverter, type LocationTable } from '../converters/location.js';
import type { Converter } from '../converters/types.js';
import type { SectionRuntime } from './sectionRuntime.js';
import type { RunOptions } from './syncSection.js';

const log = getLogger('connector');

export interface OomnitzaConnection {
  client: OomnitzaClient;
  /** False in testmode when Oomnitza could not be reached: INI mappings only, nothing sent. */
  online: boolean;
}

/** Authenticates once. Outside testmode an unreachable Oomnitza is an error (thrown). */
export async function connectOomnitza(config: Config, testmode: boolean): Promise<OomnitzaConnection> {
  const client = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), testmode ? { retry: { retries: 1 }, timeoutMs: 10_000 } : {});
  try {
    await client.authenticate();
    return { client, online: true };
  } catch (err) {
    if (!testmode) {
      await client.close();
      throw err;
    }
    log.warn(`Oomnitza is not reachable (${errorMessage(err)}); testmode continues using the INI mappings only`);
    return { client, online: false };
  }
}

export interface PreparedSection {
  mappings: FieldMappings;
  /** Converters bound to this run, e.g. `location` with its tables from Oomnitza. */
  converters: Record<string, Converter>;
  sandbox?: SnippetSandbox;
  /** What to ask the source for. */
  request: ReadRequest;
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
  // Filters and custom converters may read any field, so then the source reads everything it cheaply can.
  return { mappings, converters, sandbox, request: { fields: mappedFields(mappings), allFields: Boolean(sandbox) } };
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

export interface RunFlags {
  testmode: boolean;
  saveData: boolean;
  recordCount?: number;
  workers: number;
}

export function runOptions(flags: RunFlags, signal: AbortSignal): RunOptions {
  return {
    testmode: flags.testmode,
    saveData: flags.saveData,
    recordCount: flags.recordCount,
    workers: flags.workers,
    signal,
    print: (text) => process.stdout.write(`${text}\n`),
    connectorVersion: VERSION,
    saveDir: 'save_data',
  };
}

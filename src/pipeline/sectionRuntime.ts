/**
 * Builds what a section needs to run: its HTTP client, its source (plugin.create validates settings) and,
 * when it uses custom converters or a filter, its own sandbox. Nothing here touches the network.
 */
import path from 'node:path';
import type { Config, SectionConfig } from '../config/loadConfig.js';
import { ConfigError, ConfigErrors, errorMessage } from '../errors.js';
import { HttpClient } from '../http/client.js';
import type { TlsSettings } from '../http/types.js';
import { getLogger, type Logger } from '../logging.js';
import { parseConverterSpec } from '../records.js';
import { createSandbox } from '../sandbox/sandbox.js';
import type { SnippetSandbox, SnippetSource } from '../sandbox/types.js';
import type { Source } from '../sources/types.js';
import { SectionStats } from './summary.js';

export interface SectionRuntime {
  section: SectionConfig;
  source: Source;
  http: HttpClient;
  log: Logger;
  stats: SectionStats;
  /** Created on first use: only sections with custom converters or a filter start a worker. */
  sandbox(mappingsConverters: string[]): Promise<SnippetSandbox | undefined>;
  close(): Promise<void>;
}

export function tlsFor(section: SectionConfig, configDir: string): TlsSettings {
  const c = section.common;
  return {
    verify: c.verify_ssl,
    caFile: c.cacert_file ? path.resolve(configDir, c.cacert_file) : undefined,
    caDir: c.cacert_dir ? path.resolve(configDir, c.cacert_dir) : undefined,
    protocol: c.ssl_protocol,
  };
}

/** Throws ConfigErrors listing every section whose source rejects its settings. */
export function createRuntimes(config: Config, opts: { signal: AbortSignal; workers: number }): SectionRuntime[] {
  const errors: ConfigError[] = [];
  const runtimes: SectionRuntime[] = [];
  for (const section of config.sections) {
    const log = getLogger(`sources/${section.name}`);
    const stats = new SectionStats(section.name);
    try {
      const tls = tlsFor(section, config.dir);
      // Sources run up to `workers` requests at once (e.g. Jamf detail fetches): the pool must not cap them lower.
      const http = new HttpClient({
        section: section.name, tls, log, connections: Math.max(16, opts.workers),
        breaker: { threshold: section.common.stop_after_failures, coolDownMs: section.common.breaker_cooldown * 1000 },
      });
      const source = section.plugin.create(section.settings as never, {
        section: section.name,
        log,
        signal: opts.signal,
        tls,
        http,
        configDir: config.dir,
        concurrency: opts.workers,
        reportFailure: (id, err) => {
          stats.sourceFail(id, errorMessage(err));
          log.warn(`could not read record ${id}: ${errorMessage(err)}`);
        },
      });
      // The promise, not the sandbox: the upload starts the worker early (warmSandbox) and prepareSection may ask while
      // it is still starting; both get the same worker, and close() stops it even if it is not ready yet.
      let sandbox: Promise<SnippetSandbox> | undefined;
      runtimes.push({
        section,
        source,
        http,
        log,
        stats,
        async sandbox(converterSpecs) {
          const wanted = new Set(converterSpecs.map((c) => parseConverterSpec(c).name));
          const snippets: SnippetSource[] = config.converters.filter((c) => wanted.has(c.name));
          if (section.filter) snippets.push(section.filter);
          if (!snippets.length) return undefined;
          sandbox ??= createSandbox(snippets, {
            maxOutputPerRecord: section.common.max_converter_output,
            maxOutputPerRun: section.common.max_converter_chunk_output,
          });
          return sandbox;
        },
        async close() {
          await Promise.allSettled([source.close?.(), http.close(), sandbox?.then((s) => s.close())]);
        },
      });
    } catch (err) {
      if (err instanceof ConfigErrors) errors.push(...err.errors);
      else if (err instanceof ConfigError) errors.push(withLocation(err, section));
      else throw err;
    }
  }
  if (errors.length) throw new ConfigErrors(errors);
  return runtimes;
}

/** Adds file and line to a source's ConfigError that named only its section and key. */
function withLocation(err: ConfigError, section: SectionConfig): ConfigError {
  if (err.location.file) return err;
  const message = err.message.replace(/^\[[^\]]*\](?: \S+)?: /, '');
  const line = (err.location.key && section.lines[err.location.key]) || section.line;
  return new ConfigError({ file: section.file, line, section: section.name, key: err.location.key }, message);
}

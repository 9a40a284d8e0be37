/**
 * Untrusted snippets: custom converters (`[converters]` section) and record filters (`recordfilter`).
 * They are JavaScript function bodies run inside QuickJS in a worker thread (see src/sandbox/README.md).
 */
import type { ConverterParams, RawRecord } from '../records.js';

export interface SnippetSource {
  /** Converter name as used in mappings, or `recordfilter` (one filter per section). */
  name: string;
  kind: 'converter' | 'filter';
  /** Function body. Converters see `record, value, field, params`; filters see `record`. */
  code: string;
  /** Where the code was written, for error messages. */
  file?: string;
  line?: number;
}

export interface ConverterCall {
  converter: string;
  field: string;
  value: unknown;
  params: ConverterParams;
}

/** One record's work: optionally a filter, then converter calls (skipped when the filter rejects). */
export interface SandboxItem {
  record: RawRecord;
  filter?: string;
  calls: ConverterCall[];
}

export type SnippetOutcome = { value: unknown } | { error: string };

export interface SandboxItemResult {
  /** Present when the item named a filter: pass = truthy return value. */
  filter?: { pass: boolean } | { error: string };
  /** One per call, in order; empty when the filter rejected or failed. */
  values: SnippetOutcome[];
}

export interface SandboxLimits {
  /** Wall-clock budget for one record's work; a batch gets this times its size, capped. Default 100 ms. */
  timeoutMsPerRecord: number;
  /** Cap of the QuickJS heap (the WebAssembly memory). Default 64 MB. */
  memoryMb: number;
  /**
   * Most result JSON (characters; bytes for ASCII text) one record's converters may return together; a result
   * that does not fit becomes an error for its call. Default 1 MiB. Keeps the host's heap safe: a converter
   * returning a few MB per record would otherwise pile up gigabytes on the host (the sandbox's own cap does
   * not see it: one cached string can be returned for every record).
   */
  maxOutputPerRecord: number;
  /** Most result JSON (characters) one `run()` call may return in all; later results become errors. Default 16 MiB. */
  maxOutputPerRun: number;
  /** Deepest nesting of arrays and objects a result may have (the host serialises payloads recursively). Default 64. */
  maxDepth: number;
}

export interface SnippetSandbox {
  /** Runs a batch (about 1,000 records cross per message). Never rejects for snippet errors: they are outcomes. */
  run(items: SandboxItem[]): Promise<SandboxItemResult[]>;
  close(): Promise<void>;
}

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
}

export interface SnippetSandbox {
  /** Runs a batch (about 1,000 records cross per message). Never rejects for snippet errors: they are outcomes. */
  run(items: SandboxItem[]): Promise<SandboxItemResult[]>;
  close(): Promise<void>;
}

import type { ConverterCall, SandboxItem, SnippetSource } from '../../src/sandbox/types.js';

export function converter(name: string, code: string, line?: number): SnippetSource {
  return { name, kind: 'converter', code, file: line ? 'config.ini' : undefined, line };
}

export function filter(code: string, name = 'recordfilter'): SnippetSource {
  return { name, kind: 'filter', code };
}

export function call(converterName: string, value: unknown = null, field = 'FIELD', params: ConverterCall['params'] = {}): ConverterCall {
  return { converter: converterName, field, value, params };
}

/** One record, one converter call, no filter. */
export function only(converterName: string, record: Record<string, unknown> = {}, value: unknown = null): SandboxItem {
  return { record, calls: [call(converterName, value)] };
}

/**
 * AWX stores a host's `variables` as text (YAML or JSON, as typed in the UI) and the API returns that text, so
 * `variables.ansible_host` cannot be mapped until it is parsed. We read it as AWX itself does
 * (awx/main/utils/common.py `parse_yaml_or_json`): JSON first, else YAML with PyYAML's rules (YAML 1.1: `yes` and
 * `no` are booleans, `012` is octal), and the result must be a mapping; empty text (or `---`) is no variables.
 */
import { parse as parseYaml, type Tags } from 'yaml';

/**
 * Dates and !!binary stay the text they are: a record holds what JSON can (PyYAML's datetime would not even
 * serialise in AWX's own JSON output).
 */
const asText = (tags: Tags): Tags => tags.filter((t) => !/:(timestamp|binary)$/.test(String((t as { tag?: string }).tag ?? '')));

export type ParsedVariables = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function parseVariables(text: unknown): ParsedVariables {
  if (isMapping(text)) return { ok: true, value: text };
  if (text === null || text === undefined) return { ok: true, value: {} };
  if (typeof text !== 'string') return { ok: false, reason: `is ${typeof text}, not text` };
  if (text.trim() === '' || text === '""') return { ok: true, value: {} };
  let jsonError: string;
  try {
    const value: unknown = JSON.parse(text);
    if (isMapping(value)) return { ok: true, value };
    jsonError = 'not a mapping';
  } catch (err) {
    jsonError = (err as Error).message;
  }
  try {
    // maxAliasCount bounds "billion laughs" alias expansion; the text comes from whoever may edit the inventory.
    const value: unknown = parseYaml(text, { version: '1.1', maxAliasCount: 100, uniqueKeys: false, customTags: asText, logLevel: 'error' });
    if (value === null || value === undefined) return { ok: true, value: {} };
    if (isMapping(value)) return { ok: true, value };
    return { ok: false, reason: 'is neither a JSON object nor a YAML mapping' };
  } catch (err) {
    const yamlError = (err as Error).message.split('\n')[0].replace(/:$/, '');
    return { ok: false, reason: `cannot be parsed as JSON (${jsonError}) or YAML (${yamlError})` };
  }
}

/**
 * The regression corpus: templates (test/fixtures/jinja/cases.json) with Python Jinja2's results recorded by
 * test/fixtures/jinja/record.py into expected.json, and the differences we keep on purpose (differences.json,
 * each with its reason). Shared by the engine-API test and the `connector render` test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/runCli.js';
import { TemplateRenderError, TemplateSyntaxError, type RenderMode } from '../../../src/managed/template/types.js';

export const fixtures = path.join(repoRoot, 'test', 'fixtures', 'jinja');

export interface Case {
  id: string;
  template: string;
  context: string;
  modes: RenderMode[];
}

/** One recorded outcome: printed text, a native value, a syntax error's line, or an error's Python type. */
export type Outcome =
  | { text: string }
  | { long_text: string; length: number }
  | { value: unknown }
  | { syntax: number }
  | { error: string };

const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8')) as T;

export const corpus = read<{ contexts: Record<string, Record<string, unknown>>; cases: Case[] }>('cases.json');
export const expected = read<{ results: Record<string, Record<string, Outcome>> }>('expected.json').results;
export const differences = read<Record<string, { ours: Outcome; why: string }>>('differences.json');

/** Every check of the corpus: a case in one mode, with what Python gave and what we must give. */
export const checks = corpus.cases.flatMap((c) => c.modes.map((mode) => {
  const key = `${c.id}/${mode}`;
  const python = expected[c.id][mode];
  const intended = differences[key];
  return { key, case: c, mode, python, want: intended ? intended.ours : python, differs: intended !== undefined };
}));

/** The recorder's summary of a long or address-bearing text, applied to ours so both compare alike. */
function textOutcome(text: string, native: boolean): Outcome {
  const masked = text.replace(/ at 0x[0-9a-f]+/g, ' at 0x...');
  if (masked.length > 400) return { long_text: `${masked.slice(0, 160)}...`, length: masked.length };
  if (native && masked === text) return { value: text };
  return { text: masked };
}

export function outcomeOfValue(value: unknown, mode: RenderMode): Outcome {
  if (mode === 'string') return textOutcome(String(value), false);
  return typeof value === 'string' ? textOutcome(value, true) : { value };
}

export function outcomeOfError(err: unknown): Outcome {
  if (err instanceof TemplateSyntaxError) return { syntax: err.line };
  if (err instanceof TemplateRenderError) return { error: /^(?:\w+\.)?(\w+):/.exec(err.message)?.[1] ?? `limit:${err.limit}` };
  throw err;
}

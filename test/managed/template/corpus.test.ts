/**
 * The corpus through the engine API: every template, in each of its modes, must give Python Jinja2's recorded
 * result, or the result differences.json documents (with its reason). The pass rate is printed for the report.
 */
import { createTemplateEngine } from '../../../src/managed/template/engine.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { checks, corpus, outcomeOfError, outcomeOfValue, type Outcome } from './corpus.js';

let engine: TemplateEngine;

/** Deep equality of JSON-like data that tells 0 from -0 and ignores prototypes (structuredClone's realm). */
function sameOutcome(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameOutcome((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  engine = await createTemplateEngine();
  for (const check of checks) {
    const context = corpus.contexts[check.case.context];
    try {
      outcomes.set(check.key, outcomeOfValue(await engine.render(check.case.template, context, check.mode), check.mode));
    } catch (err) {
      outcomes.set(check.key, outcomeOfError(err));
    }
  }
}, 120_000);
afterAll(async () => {
  const same = checks.filter((c) => sameOutcome(outcomes.get(c.key), c.python)).length;
  if (process.env.CORPUS_DEBUG) for (const c of checks) if (!c.differs && !sameOutcome(outcomes.get(c.key), c.python)) process.stdout.write(`${c.key} ${JSON.stringify(outcomes.get(c.key))} ${JSON.stringify(c.python)}\n`);
  process.stdout.write(`jinja corpus: ${same}/${checks.length} checks give Python Jinja2's result; ${checks.filter((c) => c.differs).length} differ on purpose (differences.json)\n`);
  await engine.close();
});

test('the corpus has string and native checks', () => {
  expect(checks.filter((c) => c.mode === 'string').length).toBeGreaterThan(100);
  expect(checks.filter((c) => c.mode === 'native').length).toBeGreaterThan(100);
});

test.each(checks.map((c) => [c.key, c] as const))('%s', (_key, check) => {
  expect(outcomes.get(check.key)).toEqual(check.want);
});

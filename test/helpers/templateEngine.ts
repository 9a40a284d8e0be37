/** One managed-mode template engine (its sandbox workers) per test file: started before the first test, closed after the last. */
import { createTemplateEngine } from '../../src/managed/template/engine.js';
import type { TemplateEngine } from '../../src/managed/template/types.js';

export function useTemplateEngine(set: (engine: TemplateEngine) => void): void {
  let engine: TemplateEngine | undefined;
  beforeAll(async () => {
    engine = await createTemplateEngine();
    set(engine);
  }, 30_000);
  afterAll(async () => {
    await engine?.close();
  });
}

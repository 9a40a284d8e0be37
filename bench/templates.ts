/**
 * Throughput of the managed-mode template engine on a 200-item page (Microsoft Graph-like users of 12 fields):
 * the per-page templates of a list behaviour (native `result`, `break_early`, `add_if`; the next page's URL and
 * two params in string mode) against one scope, and per-item templates (a detail URL and header) against a
 * scope of one item. Run: `node dist/bench/templates.js [seconds per case]`.
 */
import { createTemplateEngine } from '../src/managed/template/engine.js';
import type { ContextScope, RenderMode } from '../src/managed/template/types.js';

const ITEMS = 200;
const seconds = Number(process.argv[2] ?? 5);

function user(i: number): Record<string, unknown> {
  return {
    id: `7f3c${i.toString(16).padStart(4, '0')}-1d2e-4b5a-9c8d-${String(i).padStart(12, '0')}`, displayName: `User ${i}`,
    givenName: 'User', surname: String(i), mail: `user${i}@example.com`, userPrincipalName: `user${i}@example.com`,
    jobTitle: i % 3 ? 'Engineer' : null, department: 'IT', accountEnabled: i % 5 !== 0, employeeId: String(10000 + i),
    officeLocation: 'HQ', businessPhones: [`+1 312 555 ${String(i).padStart(4, '0')}`],
  };
}

const page = {
  list_response: { value: Array.from({ length: ITEMS }, (_, i) => user(i)), '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=X' },
  list_response_headers: { 'Content-Type': 'application/json', 'request-id': 'abc' },
  list_response_links: {},
  iteration: 3,
  inputs: { base_url: 'https://graph.microsoft.com/v1.0/', page_size: '200' },
};

const pageTemplates: [string, RenderMode][] = [
  ["{{ list_response['value'] }}", 'native'],
  ["{{ list_response['value']|length < inputs.page_size|int }}", 'native'],
  ["{{ list_response['@odata.nextLink'] is defined }}", 'native'],
  ["{{ list_response['@odata.nextLink'] }}", 'string'],
  ['{{ inputs.page_size }}', 'string'],
  ["{{ (iteration + 1) * inputs.page_size|int }}", 'string'],
];
const itemTemplates: [string, RenderMode][] = [
  ["{{ inputs.base_url }}users/{{ list_response_item.id }}?$select=id,deviceName", 'string'],
  ["Bearer {{ inputs.token }}", 'string'],
];

async function rate(label: string, body: () => Promise<number>): Promise<void> {
  let renders = 0;
  let rounds = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    renders += await body();
    rounds++;
  }
  const s = (performance.now() - start) / 1000;
  process.stdout.write(`${label}: ${(renders / s).toFixed(0)} renders/s (${(rounds / s).toFixed(1)} rounds/s, ${((s * 1000) / rounds).toFixed(2)} ms per round)\n`);
}

async function renderAll(scope: ContextScope, templates: [string, RenderMode][]): Promise<number> {
  for (const [t, mode] of templates) await scope.render(t, mode);
  return templates.length;
}

async function main(): Promise<void> {
  const started = performance.now();
  const engine = await createTemplateEngine();
  await engine.render('{{ 1 }}', {}, 'native'); // the sandbox starts with the first render
  process.stdout.write(`engine start (to the first render): ${(performance.now() - started).toFixed(0)} ms\n`);
  const scope = await engine.scope(page);
  await renderAll(scope, pageTemplates);
  await rate('page templates, one scope per page (the 6 per-page templates)', () => renderAll(scope, pageTemplates));
  await rate("native result alone ({{ list_response['value'] }}, 200 items)", () => renderAll(scope, [pageTemplates[0]]));
  await rate('native result that must be serialised (|list copy of 200 items)', () => renderAll(scope, [["{{ list_response['value']|list }}", 'native']]));
  await rate('page, a new scope each page (load 200 items + 6 templates)', async () => {
    const s = await engine.scope(page);
    const n = await renderAll(s, pageTemplates);
    await s.release();
    return n;
  });
  await rate('per item: scope of one item + 2 string templates', async () => {
    const s = await engine.scope({ list_response_item: page.list_response.value[7], inputs: { ...page.inputs, token: 't' } });
    const n = await renderAll(s, itemTemplates);
    await s.release();
    return n;
  });
  await engine.close();

  // The runner's pattern for detail calls: 8 items in flight, each a small scope and 2 renders, 2 sandboxes.
  for (const workers of [1, 2]) {
    const pool = await createTemplateEngine({ workers });
    const item = async (i: number) => {
      const s = await pool.scope({ list_response_item: page.list_response.value[i % ITEMS], inputs: { ...page.inputs, token: 't' } });
      const n = await renderAll(s, itemTemplates);
      await s.release();
      return n;
    };
    await rate(`per item, 8 in flight, ${workers} worker(s)`, async () => (await Promise.all(Array.from({ length: 8 }, (_, i) => item(i)))).reduce((a, b) => a + b));
    await pool.close();
  }
}

await main();

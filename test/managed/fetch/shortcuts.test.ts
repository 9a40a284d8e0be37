/** The templates the fetch engine answers without the sandbox must give exactly what the engine gives. */
import { knownNative, knownString } from '../../../src/managed/fetch/shortcuts.js';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
useTemplateEngine((e) => (engine = e));

const context = {
  inputs: { base_url: 'https://api.example.com/v1', page_size: '50' },
  list_response_item: { id: 'd1', n: 42, neg: -7, on: true, off: false, none: null, f: 1.5, items: 'key', nested: { 'a-b': { c: 'deep' } }, lst: [1, 'a'] },
  iteration: 3,
  list_response_headers: { 'X-Total': '9' },
  detail_response: { id: 'x', apps: [{ name: 'Slack' }] },
};

const templates = [
  'plain text', 'ends with newline\n', 'two newlines\n\n', '', '{{ inputs.base_url }}/devices/{{ list_response_item[\'id\'] }}?x=1',
  '{{ iteration }}', '{{iteration}}', '{{ list_response_item.n }}/{{ list_response_item.neg }}', '{{ list_response_item.on }} {{ list_response_item.off }} {{ list_response_item.none }}',
  '{{ list_response_item.f }}', '{{ list_response_item.items }}', '{{ list_response_item[\'items\'] }}', '{{ list_response_item["nested"]["a-b"].c }}',
  '{{ missing }}', '{{ list_response_item.missing.x }}', 'a {{ list_response_item.missing }} b', '{{{ iteration }}', '{{ iteration }}}', '{{ iteration }} {# c #}',
  "{{ list_response_headers['x-total'] }}", '{{ list_response_item.lst }}', '{{ detail_response }}', '{{ detail_response.apps }}', '{{ list_response_item }}',
  '{{ iteration + 1 }}', '{{- iteration }}', '{% if true %}x{% endif %}', 'a\r\nb', '{{ inputs.page_size }}',
];

test('string mode: every shortcut result equals the engine\'s', async () => {
  let known = 0;
  for (const t of templates) {
    const shortcut = knownString(t, context);
    if (shortcut === undefined) continue;
    known++;
    expect([t, shortcut]).toEqual([t, await engine.render(t, context, 'string')]);
  }
  expect(known).toBe(12);
});

test('native mode: every shortcut result equals the engine\'s', async () => {
  let known = 0;
  for (const t of templates) {
    const shortcut = knownNative(t, context);
    if (shortcut === undefined) continue;
    known++;
    expect([t, shortcut.value]).toEqual([t, await engine.render(t, context, 'native')]);
  }
  expect(known).toBe(7);
});

test('what goes to the engine: dict methods, floats, missing keys, header maps, filters, other syntax', () => {
  for (const t of ['{{ list_response_item.items }}', '{{ list_response_item.f }}', '{{ missing }}', "{{ list_response_headers['x-total'] }}", '{{ iteration + 1 }}', '{{{ iteration }}', 'a\r\nb', '{{ list_response_item.lst }}']) {
    expect([t, knownString(t, context)]).toEqual([t, undefined]);
  }
  expect(knownNative("{{ inputs['base_url'] }}", context)).toBeUndefined(); // a string would be literal-evaluated
});

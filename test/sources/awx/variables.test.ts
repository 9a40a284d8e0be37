/** Host variables read as AWX reads them: JSON first, else YAML 1.1 (PyYAML), a mapping or nothing. */
import { parseVariables } from '../../../src/sources/awx/variables.js';

test.each([
  ['{"ansible_host": "10.0.0.1", "n": 1}', { ansible_host: '10.0.0.1', n: 1 }],
  ['---\nansible_host: 10.0.0.1\nports: [22, 443]\n', { ansible_host: '10.0.0.1', ports: [22, 443] }],
  // YAML 1.1 as PyYAML: yes/no/on/off are booleans, 012 is octal, 1:20 is sexagesimal; dates stay text.
  ['a: yes\nb: off\nc: 012\nd: 1:20\ne: 2024-01-31\nf: ~', { a: true, b: false, c: 10, d: 80, e: '2024-01-31', f: null }],
  ['k: 1\nk: 2', { k: 2 }],
  ['', {}],
  ['---', {}],
  ['""', {}],
  [null, {}],
  [{ already: 'parsed' }, { already: 'parsed' }],
])('%j parses to %j', (text, value) => {
  expect(parseVariables(text)).toEqual({ ok: true, value });
});

test('text that is no mapping is refused with both parsers\' reasons; alias bombs are bounded', () => {
  expect(parseVariables('- a\n- b')).toEqual({ ok: false, reason: 'is neither a JSON object nor a YAML mapping' });
  expect(parseVariables('[1, 2')).toEqual({ ok: false, reason: expect.stringMatching(/^cannot be parsed as JSON \(.+\) or YAML \(Flow sequence must end with a \] at line 1, column 6\)$/) });
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, k) => `${String.fromCharCode(98 + k)}: &${String.fromCharCode(98 + k)} [${Array(9).fill(`*${String.fromCharCode(97 + k)}`).join(',')}]`)].join('\n');
  expect(parseVariables(bomb)).toEqual({ ok: false, reason: expect.stringMatching(/Excessive alias count/) });
});

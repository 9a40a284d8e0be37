/** The streaming reader of one JSON list: same items as JSON.parse, however the text is cut into chunks. */
import { PermanentError } from '../../../src/errors.js';
import { JsonItemScanner, JsonTextError, jsonItems } from '../../../src/http/jsonItems.js';

function scanAll(text: string, path: string, cuts: number[] = []): unknown[] {
  const scanner = new JsonItemScanner(path, '[t] GET https://x/r');
  const out: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...scanner.feed(text.slice(from, cut)));
    from = cut;
  }
  scanner.end();
  return out;
}

const tricky = {
  before: { Report_Entry: 'not this one', nested: [{ Report_Entry: [1] }] },
  'Report"Entry': [9],
  Report_Entry: [
    { a: 'x,y]}', b: ['[', '{'], c: { d: [1, 2, { e: null }] } },
    { quote: 'say \\"hi\\" \\\\', unicode: 'Zo\u00eb \u2014 \ud83d\ude00', escaped: '\\u00e9\\n\\t' },
    'a string item',
    -12.5e3,
    true,
    null,
    [],
    {},
  ],
  after: [{ Report_Entry: ['ignored'] }],
};

test('items at a top-level key equal JSON.parse, cut at every position', () => {
  const text = JSON.stringify(tricky, null, 1);
  const expected = (JSON.parse(text) as typeof tricky).Report_Entry;
  expect(scanAll(text, 'Report_Entry')).toEqual(expected);
  for (let cut = 1; cut < text.length; cut++) expect(scanAll(text, 'Report_Entry', [cut])).toEqual(expected);
});

test('every piece one character long; compact and indented text; nested paths and a root list', () => {
  const compact = JSON.stringify(tricky);
  const ones = Array.from({ length: compact.length - 1 }, (_, i) => i + 1);
  expect(scanAll(compact, 'Report_Entry', ones)).toEqual(tricky.Report_Entry);
  expect(scanAll(JSON.stringify({ data: { items: [{ id: 1 }, { id: 2 }] } }), 'data.items')).toEqual([{ id: 1 }, { id: 2 }]);
  expect(scanAll(' [1, "two" ,{"three":3}] ', '')).toEqual([1, 'two', { three: 3 }]);
  expect(scanAll('{"Report_Entry":[]}', 'Report_Entry')).toEqual([]);
  // One object where a list was expected is one item (as xmltodict gives a single element).
  expect(scanAll('{"Report_Entry":{"a":1}}', 'Report_Entry')).toEqual([{ a: 1 }]);
});

test.each([
  ['', 'the response is empty (expected JSON with a list at "Report_Entry")'],
  ['<?xml version="1.0"?><wd:Report_Data/>', 'the response is not JSON; it starts with "<?xml version="1.0"?><wd:Report_Data/>"'],
  ['{"Other":[1]}', 'the response has no list at "Report_Entry"'],
  ['{"Report_Entry":"x"}', '"Report_Entry" is a string, not a list'],
  ['{"Report_Entry":42}', '"Report_Entry" is a number, boolean or null, not a list'],
  ['{"Report_Entry":[{"a":1},{"b":', 'the response ended in the middle of the JSON after 1 item(s) of "Report_Entry" (cut off?)'],
  ['{"Report_Entry":[{"a":1}', 'the response ended in the middle of the JSON after 1 item(s) of "Report_Entry" (cut off?)'],
  ['{"Report_Entry":[{"a":tru}]}', 'item 1 of "Report_Entry" is not valid JSON'],
])('%j is refused with a message naming the request', (text, message) => {
  let error: unknown;
  try {
    scanAll(text, 'Report_Entry');
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(PermanentError);
  expect((error as Error).message).toContain(`[t] GET https://x/r: ${message}`);
});

test('jsonItems decodes UTF-8 split inside a character and drops a byte-order mark', async () => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ Report_Entry: [{ name: 'Zoë — 😀' }] }), 'utf8')]);
  async function* oneByteAtATime() {
    for (const b of bytes) yield Uint8Array.of(b);
  }
  const items: unknown[] = [];
  for await (const item of jsonItems(oneByteAtATime(), 'Report_Entry', 'w')) items.push(item);
  expect(items).toEqual([{ name: 'Zoë — 😀' }]);
});

test('errors say where: line and column of the item or the cut, however the text is cut into pieces', () => {
  const text = '{\n "Report_Entry": [\n  {"a": 1},\n  {"a": tru}\n ]\n}';
  for (const cut of [0, 5, 20, 34, 36, text.length - 1]) {
    let error: unknown;
    try {
      scanAll(text, 'Report_Entry', cut ? [cut] : []);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonTextError);
    expect((error as JsonTextError).position).toEqual({ line: 4, column: 3, offset: 35 });
    expect((error as Error).message).toMatch(/item 2 of "Report_Entry" is not valid JSON .* \(line 4, column 3\)$/);
  }
  expect(() => scanAll('[1,\n 2,\n 3', '')).toThrow(/ended in the middle of the JSON after 2 item\(s\) of the list \(cut off\?\) \(line 3, column 3\)/);
});

test('onBadItem and check: refused items are reported with their place and the scanner reads on', () => {
  const bad: string[] = [];
  const scanner = new JsonItemScanner('', 'f.json', {
    subject: 'the file',
    check: (item) => (typeof item === 'object' && item !== null ? undefined : 'is not an object'),
    onBadItem: (err, index) => bad.push(`${index} ${err.position?.line}:${err.position?.column} ${err.reason}`),
  });
  const items = [...scanner.feed('[{"a":1}, 7,\n{"b": x}, {"c": [1, {"d": "]"}]}'), ...scanner.feed(']')];
  scanner.end();
  expect(items).toEqual([{ a: 1 }, { c: [1, { d: ']' }] }]);
  expect(bad).toEqual([
    '2 1:11 item 2 of the list is not an object',
    expect.stringMatching(/^3 2:1 item 3 of the list is not valid JSON \(Unexpected token 'x'/),
  ]);
});

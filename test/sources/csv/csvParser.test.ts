import { CsvParser, type CsvRecord } from '../../../src/sources/csv/csvParser.js';

/** Parses `text` fed in pieces of `piece` characters: results must not depend on where chunks end. */
function parse(text: string, piece = text.length || 1): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += piece) out.push(...parser.push(text.slice(i, i + piece)));
  return [...out, ...parser.end()];
}

function parseEveryWay(text: string): CsvRecord[] {
  const whole = parse(text);
  for (const piece of [1, 2, 3, 7]) expect(parse(text, piece)).toEqual(whole);
  return whole;
}

test('records start on the right line: CRLF and LF inside quoted cells count once, empty lines are skipped', () => {
  const records = parseEveryWay('a,b\r\n1,"x\r\ny\r\nz"\r\n\r\n3,4\r\n5,"p\nq"\n6,7');
  expect(records.map((r) => [r.line, r.fields])).toEqual([
    [1, ['a', 'b']],
    [2, ['1', 'x\r\ny\r\nz']],
    [6, ['3', '4']],
    [7, ['5', 'p\nq']],
    [9, ['6', '7']],
  ]);
});

test('quotes: "" is a quote, empty fields and trailing commas are fields, a lone CR ends a line', () => {
  expect(parseEveryWay('"a""b",,""\r,\r"x"').map((r) => [r.line, r.fields])).toEqual([
    [1, ['a"b', '', '']],
    [2, ['', '']],
    [3, ['x']],
  ]);
});

test('an unterminated quote is reported once, at the line where it opened, with the extent of what was lost', () => {
  const records = parseEveryWay('serial,name\nS1,a\nS2,"broken\nS3,c\nS4,d\n');
  expect(records.slice(0, 2).map((r) => r.error)).toEqual([undefined, undefined]);
  expect(records).toHaveLength(3);
  expect(records[2]).toMatchObject({ line: 3, error: 'a quote opened on this line (column 2) is never closed, so lines 3 to 5 (the end of the file) could not be read' });
});

test('the quote is named where it opened even when its record started on an earlier line', () => {
  const records = parseEveryWay('a,b,c\n1,"two\nlines","never closed\n2,x,y');
  expect(records[1]).toMatchObject({ line: 3, error: expect.stringMatching(/^a quote opened on this line \(column 3\)/) });
});

test('a malformed row costs that row only: the next line parses normally', () => {
  const records = parseEveryWay('a,b\n1,x"y\n2,"x"y\n3,"ok"\n');
  expect(records.map((r) => [r.line, r.error ?? 'ok'])).toEqual([
    [1, 'ok'],
    [2, 'a quote inside an unquoted field in column 2 (quote the whole field and write the quote as "")'],
    [3, 'a closing quote is followed by "y" in column 2 (a quote inside a quoted field is written "")'],
    [4, 'ok'],
  ]);
  expect(records[3].fields).toEqual(['3', 'ok']);
});

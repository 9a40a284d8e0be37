import { checkSnippetSyntax } from '../../src/sandbox/syntax.js';
import type { SnippetSource } from '../../src/sandbox/types.js';

const at = (code: string, kind: SnippetSource['kind'] = 'converter', line = 20): SnippetSource =>
  ({ name: 'x', kind, code, file: 'config.ini', line });

describe('checkSnippetSyntax', () => {
  test('valid converters and filters compile', () => {
    expect(checkSnippetSyntax(at('return record.get("position", "Unknown position")'))).toBeUndefined();
    expect(checkSnippetSyntax(at('const parts = String(value).split(params.sep);\nreturn parts[0];'))).toBeUndefined();
    expect(checkSnippetSyntax(at('return record.asset_type == "computer"', 'filter'))).toBeUndefined();
  });

  test('names the INI line of the offending line and quotes it', () => {
    expect(checkSnippetSyntax(at('let a = 1;\nlet b = 2;\nreturn record.x ==== 2'))).toBe(
      'config.ini:22: SyntaxError: Unexpected token \'=\' in "return record.x ==== 2"',
    );
  });

  test('first line of the snippet maps to s.line', () => {
    expect(checkSnippetSyntax(at('return (', 'filter', 7))).toMatch(/^config\.ini:7: SyntaxError: Unexpected end of input/);
  });

  test('without a file the line is counted within the snippet', () => {
    expect(checkSnippetSyntax({ name: 'x', kind: 'converter', code: 'return 1;\nreturn )' })).toMatch(/^line 2: SyntaxError/);
  });

  test('a body cannot close the function early and run code outside it', () => {
    expect(checkSnippetSyntax(at('}); globalThis.escaped = 1; (function () {'))).toMatch(/^config\.ini:20: SyntaxError: Unexpected token '}'/);
  });

  test('await and import are refused: snippets are synchronous function bodies', () => {
    expect(checkSnippetSyntax(at('return await record.x'))).toMatch(/await is only valid in async functions/);
    expect(checkSnippetSyntax(at('import fs from "fs"'))).toMatch(/Cannot use import statement/);
  });

  test('Python left over from the original connector gets a hint', () => {
    expect(checkSnippetSyntax(at('if record["x"] is None:\n    return "a"'))).toMatch(
      /^config\.ini:20: SyntaxError: .*\(snippets are JavaScript function bodies now, not Python\)$/,
    );
  });

  test('compiling never runs the code', () => {
    const g = globalThis as Record<string, unknown>;
    expect(checkSnippetSyntax(at('globalThis.ranDuringCheck = true; return 1'))).toBeUndefined();
    expect(g.ranDuringCheck).toBeUndefined();
  });
});

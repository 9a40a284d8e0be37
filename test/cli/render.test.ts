/**
 * `connector render` as an admin runs it: the built CLI on corpus templates (their recorded Python results),
 * JSON for --native (a tuple as an array, None as null), no added newline in string mode, exit 2 with the
 * position on a syntax error, exit 1 when the template fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCommand } from '../../src/cli/render.js';
import { runCli } from '../helpers/runCli.js';
import { checks, corpus } from '../managed/template/corpus.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-render-'));
  for (const [name, context] of Object.entries(corpus.contexts)) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(context));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const check = (key: string) => {
  const found = checks.find((c) => c.key === key);
  if (!found) throw new Error(`no corpus check ${key}`);
  return found;
};

const argsFor = (key: string) => {
  const c = check(key);
  return { c, args: [...(c.mode === 'native' ? ['--native'] : []), '--context', path.join(dir, `${c.case.context}.json`), c.case.template] };
};

/** renderCommand in-process (the CLI's own function): a worker start per call, no process start. */
async function renderInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const native = args.includes('--native');
  const at = args.indexOf('--context');
  const code = await renderCommand(args[args.length - 1], { native, context: at >= 0 ? args[at + 1] : undefined },
    { write: (t: string) => (stdout += t) }, { write: (t: string) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('the built CLI', () => {
  test.each([
    'headers-ci/string', // *_response_headers keys are case-insensitive; printed with no added newline
    'n-guess-tuple/native', // '12,345' -> the tuple (12, 345) -> a JSON array
  ])('%s gives the recorded result', async (key) => {
    const { c, args } = argsFor(key);
    const result = await runCli(['render', ...args]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    if ('text' in c.want) expect(result.stdout).toBe(c.want.text);
    else if ('value' in c.want) expect(result.stdout).toBe(`${JSON.stringify(c.want.value)}\n`);
    else throw new Error(`${key}: not a value`);
  });

  test('a syntax error exits 2 with its line and column', async () => {
    const result = await runCli(['render', 'ok\n{{ list_response..value }}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^connector render: template syntax error at line 2, column 18: expected name or number\n$/);
    expect(result.stdout).toBe('');
  });
});

describe('renderCommand', () => {
  test.each([
    'str-dict/string', // Python str() of a dict
    'ws-trailing-newline/string', // the template's one trailing newline is dropped, none is added
    'n-none-value/native', // None -> null
    'n-tuple/native', // a tuple -> an array
    'n-list/native',
  ])('%s gives the recorded result', async (key) => {
    const { c, args } = argsFor(key);
    const result = await renderInProcess(args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    if ('text' in c.want) expect(result.stdout).toBe(c.want.text);
    else if ('value' in c.want) expect(JSON.parse(result.stdout)).toEqual(c.want.value);
    else throw new Error(`${key}: not a value`);
  });

  test('a template that fails exits 1: a denied import, a range the sandbox refuses', async () => {
    const denied = await renderInProcess(["{{ import('os').sep }}"]);
    expect(denied).toMatchObject({ code: 1, stdout: '' });
    expect(denied.stderr).toMatch(/SecurityError: os is not safely importable/);
    const big = await renderInProcess(['--native', '{% for i in range(10**9) %}{% endfor %}']);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/OverflowError: Range too big/);
  });

  test.each([
    ['[1, 2]', /must hold a JSON object/],
    ['{"a": ', /is not valid JSON/],
  ])('a --context file holding %s is a usage error (exit 2)', async (text, message) => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, text);
    const result = await renderInProcess(['--context', file, '{{ 1 }}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('a missing --context file is a usage error (exit 2)', async () => {
    const result = await renderInProcess(['--context', path.join(dir, 'nope.json'), '{{ 1 }}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot be read \(ENOENT\)/);
  });
});

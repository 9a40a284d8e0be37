/** The template engine through its API: string and native mode, scopes, syntax errors, limits and escapes. */
import { createTemplateEngine, type QuickJsTemplateEngine } from '../../../src/managed/template/engine.js';
import { TemplateRenderError, TemplateSyntaxError, type TemplateEngine } from '../../../src/managed/template/types.js';

let engine: TemplateEngine;
beforeAll(async () => {
  engine = await createTemplateEngine({ limits: { timeMs: 1500, memoryMb: 64 } });
});
afterAll(() => engine.close());

const context = {
  list_response: { value: [{ id: 1, name: 'Jane' }, { id: 2, name: 'Joe' }] },
  list_response_headers: { 'X-Total-Count': '2', 'Content-Type': 'application/json' },
  iteration: 0,
  inputs: { page_size: '50' },
};

describe('string mode', () => {
  test.each([
    ['{{ list_response.value[0] }}', "{'id': 1, 'name': 'Jane'}"],
    ['{{ 10 / 5 }}|{{ none }}|{{ true }}', '2.0|None|True'],
    ["{{ list_response_headers['x-total-count'] }}", '2'],
    ['{% for u in list_response.value %}{{ loop.index }}:{{ u.name }} {% endfor %}', '1:Jane 2:Joe '],
    ['prefix {{ list_response_links.next.url }}', ''],
    ['{{ missing }}!', '!'],
  ])('%s', async (template, expected) => {
    expect(await engine.render(template, context, 'string')).toBe(expected);
  });
});

describe('native mode', () => {
  test.each([
    ["{{ list_response['value'] }}", context.list_response.value],
    ['{{ inputs.page_size }}', 50],
    ["{{ '1,2,3' }}", [1, 2, 3]],
    ["{{ '0042' }}", '0042'],
    ["{{ '0042'|as_is }}", '0042'],
    ['{{ missing.deeper }}', null],
    ['', null],
    ['{{ iteration < 1 }}', true],
  ])('%s', async (template, expected) => {
    expect(await engine.render(template, context, 'native')).toEqual(expected);
  });
});

test('a scope renders many templates against one context', async () => {
  const scope = await engine.scope(context);
  expect(await scope.render('{{ list_response.value|length }}', 'native')).toBe(2);
  expect(await scope.render('{{ iteration + 1 }}', 'string')).toBe('1');
  await scope.release();
  await expect(scope.render('{{ 1 }}', 'string')).rejects.toThrow(/released/);
});

test('a syntax error carries the line and column', async () => {
  const err = await engine.render('line one\n{{ 1 + }}', {}, 'string').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemplateSyntaxError);
  expect(err).toMatchObject({ line: 2, column: 8 });
});

test('as_is is not a filter in string mode (a syntax error, as in the original)', async () => {
  await expect(engine.render('{{ 1|as_is }}', {}, 'string')).rejects.toBeInstanceOf(TemplateSyntaxError);
});

describe('limits and escapes fail the render, the engine keeps working', () => {
  test.each([
    ['time', '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}'],
    ['memory', "{{ 'a' * 10**9 }}"],
  ])('%s', async (limit, template) => {
    const err = await engine.render(template, {}, 'string').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateRenderError);
    expect((err as TemplateRenderError).limit).toBe(limit);
    expect(await engine.render('{{ 1 + 1 }}', {}, 'native')).toBe(2);
  });

  test.each([
    "{{ import('os') }}",
    "{{ import('json').codecs.open('/etc/passwd').read() }}",
    "{{ import('uuid').os }}",
    "{{ ''.constructor.constructor('return process')() }}",
    "{{ list_response.__proto__.polluted }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ range(1e9) }}',
    '{{ range(10**9)|list }}',
    '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
  ])('%s', async (template) => {
    await expect(engine.render(template, context, 'string')).rejects.toBeInstanceOf(TemplateRenderError);
    await expect(engine.render(template, context, 'native')).rejects.toBeInstanceOf(TemplateRenderError);
  });

  test('nesting that overflows the sandbox stack fails that render; the worker is replaced', async () => {
    const before = (engine as QuickJsTemplateEngine).workersStarted;
    const deep = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    await expect(engine.render(deep, {}, 'string')).rejects.toMatchObject({ name: 'TemplateRenderError', limit: 'memory' });
    expect(await engine.render('{{ 2 * 21 }}', {}, 'native')).toBe(42);
    expect((engine as QuickJsTemplateEngine).workersStarted).toBe(before + 1);
  });

  test('a memory bomb that grows step by step hits the memory cap', async () => {
    const bomb = "{% set ns = namespace(s='x' * 1000000) %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}";
    await expect(engine.render(bomb, {}, 'string')).rejects.toMatchObject({ limit: 'memory' });
    expect(await engine.render('{{ 1 }}', {}, 'string')).toBe('1');
  });

  test('a scope survives the replacement of its worker', async () => {
    const scope = await engine.scope({ n: 41 });
    expect(await scope.render('{{ n + 1 }}', 'native')).toBe(42);
    await expect(scope.render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', 'string')).rejects.toMatchObject({ limit: 'time' });
    expect(await scope.render('{{ n + 1 }}', 'native')).toBe(42);
    expect((engine as QuickJsTemplateEngine).workersStarted).toBeGreaterThan(1);
  });
});

describe('a native result that is part of the context', () => {
  test('comes back equal to that part, as a copy of its own', async () => {
    const scope = await engine.scope(context);
    const first = (await scope.render("{{ list_response['value'] }}", 'native')) as { name: string }[];
    expect(first).toEqual(context.list_response.value);
    first[0].name = 'changed by the caller';
    expect(await scope.render("{{ list_response['value'][0] }}", 'native')).toEqual({ id: 1, name: 'Jane' });
    await scope.release();
  });

  test('reflects what the template changed in it (list.append, dict.update)', async () => {
    const scope = await engine.scope({ items: [1, 2], d: { a: 1 } });
    expect(await scope.render('{{ items.append(3) }}{{ d.update(b=2) }}', 'string')).toBe('NoneNone');
    expect(await scope.render('{{ items }}', 'native')).toEqual([1, 2, 3]);
    expect(await scope.render('{{ d }}', 'native')).toEqual({ a: 1, b: 2 });
    await scope.release();
  });

  test('case-insensitive header maps come back with their original keys', async () => {
    expect(await engine.render('{{ list_response_headers }}', context, 'native')).toEqual(context.list_response_headers);
  });
});

describe('several workers', () => {
  let pool: TemplateEngine;
  beforeAll(async () => {
    pool = await createTemplateEngine({ workers: 2, limits: { timeMs: 1500, memoryMb: 32 } });
  });
  afterAll(() => pool.close());

  test('scopes spread over the workers; a limit hit in one leaves the other scopes working', async () => {
    const scopes = await Promise.all([1, 2, 3, 4].map((n) => pool.scope({ n })));
    expect(await Promise.all(scopes.map((s) => s.render('{{ n * 10 }}', 'native')))).toEqual([10, 20, 30, 40]);
    await expect(scopes[0].render('{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', 'string')).rejects.toMatchObject({ limit: 'time' });
    expect(await Promise.all(scopes.map((s) => s.render('{{ n + 1 }}', 'native')))).toEqual([2, 3, 4, 5]);
    expect((pool as QuickJsTemplateEngine).workersStarted).toBe(3);
  });

  test('released scopes are dropped in the sandbox without a message of their own; many releases keep working', async () => {
    for (let round = 0; round < 3; round++) {
      const scopes = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.scope({ i })));
      expect(await Promise.all(scopes.map((s) => s.render('{{ i }}', 'native')))).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await Promise.all(scopes.map((s) => s.release()));
    }
    expect(await pool.render('{{ 6 * 7 }}', {}, 'native')).toBe(42);
  });
});

/**
 * Converter failures are counted and reported, and `on_converter_error` decides what happens to the record
 * (issue 11: #21; #20 for what reaches the log).
 */
import type { Logger } from '../../src/logging.js';
import { SectionStats } from '../../src/pipeline/summary.js';
import { Transformer, type Outcome, type TransformOptions } from '../../src/pipeline/transform.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import type { SnippetSandbox } from '../../src/sandbox/types.js';

const FORGED = 'oops\n[csv_assets] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0\u001b[2J';
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function fakeLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = { warn: (text: string) => warnings.push(text) } as unknown as Logger;
  return { log, warnings };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ serial: `S${i + 1}`, name: `host-${i + 1}` }));

let sandbox: SnippetSandbox;
beforeAll(async () => {
  sandbox = await createSandbox([
    { name: 'boom', kind: 'converter', code: 'throw new Error("converter exploded")', file: 'config.ini', line: 20 },
    { name: 'forger', kind: 'converter', code: `throw new Error(${JSON.stringify(FORGED)})` },
    { name: 'upper', kind: 'converter', code: 'return String(value).toUpperCase()' },
  ]);
});
afterAll(() => sandbox.close());

function transformer(extra: Partial<TransformOptions> & { log: Logger }, converter = 'boom'): Transformer {
  return new Transformer({
    mappings: {
      SERIAL_NUMBER: { source: 'serial' },
      NAME: { source: 'name', converter: 'upper' },
      LABEL: { source: 'name', converter },
    },
    settingText: {},
    sandbox,
    ...extra,
  });
}

describe('on_converter_error = null (the default)', () => {
  test('300 failures: the field is sent as null, every failure is counted, the summary says so', async () => {
    const { log, warnings } = fakeLog();
    const stats = new SectionStats('csv_assets');
    const outcomes = await transformer({ log, stats }).transform(records(300));
    expect(outcomes.every((o) => o.kind === 'record' && o.payload.LABEL === null && o.payload.NAME !== null)).toBe(true);
    expect(stats.converterErrors).toBe(300);
    expect(stats.failed).toBe(0);
    expect(stats.ok).toBe(true);
    expect(stats.line(false)).toMatch(/pushed 0, failed 0, converter errors 300, /);
    const details = stats.details();
    expect(details).toHaveLength(11);
    expect(details[0]).toBe('  converter error record #1: LABEL: converter "boom" (config.ini:20): "Error: converter exploded"');
    expect(details[10]).toBe('  ... and 290 more converter error(s)');
    // The first ten are logged one by one, then one line says the rest are only counted.
    expect(warnings).toHaveLength(11);
    expect(warnings[0]).toBe('converter "boom" failed for LABEL of record #1: converter "boom" (config.ini:20): "Error: converter exploded"; value set to null');
    expect(warnings[10]).toMatch(/summary counts them all/);
  });

  test('records are named as the caller names them, numbered in read order across chunks', async () => {
    const { log } = fakeLog();
    const stats = new SectionStats('s');
    const t = transformer({ log, stats, describeRecord: (p, n) => `SERIAL_NUMBER=${JSON.stringify(p.SERIAL_NUMBER)} (#${n})` });
    await t.transform(records(2));
    await t.transform(records(1), 7);
    expect(stats.converterProblems.map((p) => p.id)).toEqual(['SERIAL_NUMBER="S1" (#1)', 'SERIAL_NUMBER="S2" (#2)', 'SERIAL_NUMBER="S1" (#7)']);
  });

  test('built-in converters that throw are counted the same way', async () => {
    const { log, warnings } = fakeLog();
    const stats = new SectionStats('s');
    const t = new Transformer({
      mappings: { SERIAL_NUMBER: { source: 'serial', converter: 'strict' } },
      settingText: {},
      log,
      stats,
      converters: { strict: () => { throw new Error(`bad\nvalue ${FORGED}`); } },
    });
    const [o] = await t.transform(records(1));
    expect(o).toMatchObject({ kind: 'record', payload: { SERIAL_NUMBER: null } });
    expect(stats.converterErrors).toBe(1);
    expect(warnings[0]).toMatch(/^converter "strict" failed for SERIAL_NUMBER of record #1: converter "strict": bad\\nvalue oops\\n\[csv_assets\]/);
    expect(warnings[0]).not.toMatch(unsafe);
  });
});

describe('on_converter_error = skip', () => {
  test('the record is not sent and is listed as skipped with the converter and field', async () => {
    const { log } = fakeLog();
    const stats = new SectionStats('s');
    const outcomes = await transformer({ log, stats, onConverterError: 'skip' }).transform(records(3));
    expect(outcomes.map((o) => o.kind)).toEqual(['skipped', 'skipped', 'skipped']);
    expect((outcomes[0] as Extract<Outcome, { kind: 'skipped' }>).reason).toBe(
      'converter failed for LABEL: converter "boom" (config.ini:20): "Error: converter exploded"',
    );
    expect(stats.converterErrors).toBe(3);
  });
});

describe('on_converter_error = fail', () => {
  test('the record fails, naming the converter and field', async () => {
    const { log, warnings } = fakeLog();
    const stats = new SectionStats('s');
    const outcomes = await transformer({ log, stats, onConverterError: 'fail' }).transform(records(2));
    // The payload goes along so the pipeline can name the record by its sync_field values.
    expect(outcomes).toEqual([
      { kind: 'failed', reason: 'converter failed for LABEL: converter "boom" (config.ini:20): "Error: converter exploded"', payload: expect.objectContaining({ SERIAL_NUMBER: 'S1' }) },
      { kind: 'failed', reason: 'converter failed for LABEL: converter "boom" (config.ini:20): "Error: converter exploded"', payload: expect.objectContaining({ SERIAL_NUMBER: 'S2' }) },
    ]);
    expect(warnings[0]).toMatch(/; record failed$/);
  });
});

describe('what a snippet writes cannot forge log lines', () => {
  test('warnings and summary lines stay one line each', async () => {
    const { log, warnings } = fakeLog();
    const stats = new SectionStats('csv_assets');
    await transformer({ log, stats }, 'forger').transform(records(2));
    stats.fail('record #9', `recordfilter failed: ${FORGED}`);
    for (const line of [...warnings, stats.line(false), ...stats.details()]) expect(line).not.toMatch(unsafe);
    expect(stats.details()[0]).toBe('  failed record #9: recordfilter failed: oops\\n[csv_assets] pulled 300, filtered out 0, skipped 0, pushed 300, failed 0\\u001b[2J');
  });

  test('summary ids and reasons are capped', () => {
    const stats = new SectionStats('s');
    stats.skip(`SERIAL_NUMBER="${'x'.repeat(5000)}"`, 'r'.repeat(5000));
    const [line] = stats.details();
    expect(line.length).toBeLessThan(1000);
    expect(line).toMatch(/\.\.\.\(4400 more characters\)$/);
  });
});

/**
 * A worker started ahead of its snippets (SnippetWorker.prestart, used by `upload`: src/cli/prestartSandbox.ts) is
 * taken by the next sandbox with its memory limit, and then behaves as a worker started with the snippets: the same
 * results, the same limits. One with another limit is left alone.
 */
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { SnippetWorker } from '../../src/sandbox/workerHandle.js';
import { prestartSandbox } from '../../src/cli/prestartSandbox.js';
import { startEarly } from '../../src/cli/earlyStart.js';
import { tempDir } from '../helpers/runCli.js';
import { converter, filter, only } from './helpers.js';
import path from 'node:path';

test('the sandbox takes the spare and runs converters and the filter in it', async () => {
  SnippetWorker.prestart(64);
  expect(SnippetWorker.hasSpare).toBe(true);
  const sandbox = await createSandbox([converter('upper', 'return String(value).toUpperCase()'), filter('return record.keep === true')]);
  try {
    expect(SnippetWorker.hasSpare).toBe(false);
    const results = await sandbox.run([
      { ...only('upper', { keep: true }, 'a'), filter: 'recordfilter' },
      { ...only('upper', { keep: false }, 'b'), filter: 'recordfilter' },
    ]);
    expect(results[0]).toEqual({ filter: { pass: true }, values: [{ value: 'A' }] });
    expect(results[1].filter).toEqual({ pass: false });
  } finally {
    await sandbox.close();
  }
});

test('the spare keeps the time limit: a runaway snippet is stopped and the sandbox goes on', async () => {
  SnippetWorker.prestart(64);
  const sandbox = await createSandbox([converter('spin', 'while (true) {}'), converter('upper', 'return String(value).toUpperCase()')], { timeoutMsPerRecord: 200 });
  try {
    expect(SnippetWorker.hasSpare).toBe(false);
    const results = await sandbox.run([only('spin'), only('upper', {}, 'x')]);
    expect(results[0].values[0]).toEqual({ error: expect.stringMatching(/spin/) });
    expect(results[1].values).toEqual([{ value: 'X' }]);
  } finally {
    await sandbox.close();
  }
});

test('a spare started for another memory limit is not taken', async () => {
  SnippetWorker.prestart(32);
  const sandbox = await createSandbox([converter('upper', 'return String(value).toUpperCase()')]);
  try {
    expect(SnippetWorker.hasSpare).toBe(true);
    expect((await sandbox.run([only('upper', {}, 'y')]))[0].values).toEqual([{ value: 'Y' }]);
  } finally {
    await sandbox.close();
  }
  // Taken by a sandbox with that limit, so it does not outlive this file.
  const small = await createSandbox([converter('upper', 'return 1')], { memoryMb: 32 });
  expect(SnippetWorker.hasSpare).toBe(false);
  await small.close();
});

test('upload prestarts only for an INI with a record filter or [converters]', () => {
  const dir = tempDir({
    'plain.ini': '[csv_assets]\nfilename = a.csv\nmapping.NAME = name\n',
    'filter.ini': '[csv_assets]\nfilename = a.csv\nrecordfilter:\n    return true\n',
  });
  prestartSandbox(path.join(dir, 'plain.ini'));
  expect(SnippetWorker.hasSpare).toBe(false);
  prestartSandbox(path.join(dir, 'missing.ini'));
  expect(SnippetWorker.hasSpare).toBe(false);
  prestartSandbox(path.join(dir, 'filter.ini'));
  expect(SnippetWorker.hasSpare).toBe(true);
});

test("the launcher's early start (bin/connector) prestarts for an upload only, with the INI its arguments name", async () => {
  const dir = tempDir({ 'filter.ini': '[csv_assets]\nfilename = a.csv\nrecordfilter:\n    return true\n' });
  const take = async () => (await createSandbox([converter('x', 'return 1')])).close();
  if (SnippetWorker.hasSpare) await take();
  const ini = path.join(dir, 'filter.ini');
  await startEarly(['version']);
  await startEarly(['test', 'csv_assets', '--ini', ini]);
  await startEarly(['upload', 'csv_assets', '--ini', path.join(dir, 'missing.ini')]);
  expect(SnippetWorker.hasSpare).toBe(false);
  await startEarly(['upload', 'csv_assets', '--ini', ini]);
  expect(SnippetWorker.hasSpare).toBe(true);
  await take();
  await startEarly(['--workers', '8', 'upload', 'csv_assets', `--ini=${ini}`]);
  expect(SnippetWorker.hasSpare).toBe(true);
});

afterAll(async () => {
  // The last test's spare: take it and close it.
  if (SnippetWorker.hasSpare) await (await createSandbox([converter('x', 'return 1')])).close();
});

/** --log-format json: one JSON object per line, on the console and in the log files, secrets redacted as in text. */
import fs from 'node:fs';
import path from 'node:path';
import { addLogTransport, getLogger, jsonLine, redactor, setLogFormat } from '../src/logging.js';
import { runCli, tempDir } from './helpers/runCli.js';
import { startFakeOomnitza } from './support/fakeOomnitza.js';

const SECRET = 'json-log-secret-9f3b';

/** The lines the root logger's format produces, as a stream transport (a log file) receives them. */
function captureFormatted(): { text: () => string; stop: () => void } {
  let text = '';
  const stop = addLogTransport({ write: (line) => (text += `${line}\n`) });
  return { text: () => text, stop };
}

afterEach(() => setLogFormat('text'));

test('json: each line parses; time, level, logger, section, message and structured fields; secrets never appear', async () => {
  redactor.add(SECRET);
  setLogFormat('json');
  const cap = captureFormatted();
  try {
    const log = getLogger('sources/csv_users');
    log.info(`token is ${SECRET}`);
    log.warn('nested', { request: { url: `https://h/?k=${encodeURIComponent(SECRET)}`, attempts: 2 }, pulled: 5 });
    log.error(`multi\nline ${Buffer.from(SECRET).toString('base64')}`);
    getLogger('connector').info('plain');
    await new Promise((r) => setImmediate(r));
  } finally {
    cap.stop();
  }
  const lines = cap.text().trimEnd().split('\n');
  expect(lines).toHaveLength(4);
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(parsed[0]).toMatchObject({ level: 'info', logger: 'sources/csv_users', section: 'csv_users', message: 'token is ***' });
  expect(typeof parsed[0].time).toBe('string');
  expect(parsed[1]).toMatchObject({ level: 'warn', pulled: 5, request: { attempts: 2, url: 'https://h/?k=***' } });
  expect(parsed[2].message).toBe('multi\nline ***');
  expect(parsed[3]).toMatchObject({ logger: 'connector', message: 'plain' });
  expect(parsed[3]).not.toHaveProperty('section');
  expect(cap.text()).not.toContain(SECRET);
});

test('text stays the default format', async () => {
  const cap = captureFormatted();
  try {
    getLogger('connector').info('hello');
    await new Promise((r) => setImmediate(r));
  } finally {
    cap.stop();
  }
  expect(cap.text()).toMatch(/^\S+ INFO connector: hello\n$/);
});

test('jsonLine redacts a secret in a nested structured field', () => {
  redactor.add(SECRET);
  const line = jsonLine({ level: 'info', message: 'm', label: 'x', deep: { list: [SECRET, { again: `a ${SECRET}` }] } });
  expect(line).not.toContain(SECRET);
  expect(JSON.parse(line)).toMatchObject({ deep: { list: ['***', { again: 'a ***' }] } });
});

test('upload --log-format json: console and log file lines are JSON objects, the token never appears', async () => {
  const oom = await startFakeOomnitza();
  try {
    const logging = {
      version: 1,
      handlers: {
        console: { class: 'logging.StreamHandler', level: 'DEBUG' },
        file: { class: 'RotateHandler', level: 'DEBUG', filename: 'logs/info.log' },
      },
      root: { level: 'DEBUG', handlers: ['console', 'file'] },
    };
    const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_users]\nenable = True\nfilename = u.csv\npassword = hunter2-secret-pw\nmapping.USER = login\n`;
    const dir = tempDir({ 'config.ini': ini, 'logging.json': JSON.stringify(logging), 'u.csv': 'login\nann\nbob\n' });
    const res = await runCli(['upload', 'csv_users', '--ini', 'config.ini', '--log-format', 'json'], { cwd: dir });
    expect(res.code).toBe(0);
    const file = fs.readFileSync(path.join(dir, 'logs', 'info.log'), 'utf8');
    for (const text of [res.stderr, file]) {
      const lines = text.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      const parsed = lines.map((l) => JSON.parse(l) as { message: string; level: string });
      expect(parsed.some((p) => /\[csv_users\] pulled 2/.test(p.message))).toBe(true);
      expect(text).not.toContain(oom.token);
      expect(text).not.toContain('hunter2-secret-pw');
    }
  } finally {
    await oom.close();
  }
});

test('--log-format json: a configuration error is a JSON line too', async () => {
  const res = await runCli(['upload', 'x', '--logging-config', 'nope.json', '--log-format', 'json'], { cwd: tempDir() });
  expect(res.code).toBe(2);
  const line = JSON.parse(res.stderr.trim()) as { level: string; message: string };
  expect(line.level).toBe('error');
  expect(line.message).toMatch(/nope\.json: logging config file not found/);
});

test('--log-format rejects an unknown format (exit 2)', async () => {
  const res = await runCli(['upload', 'x', '--log-format', 'xml'], { cwd: tempDir() });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/Allowed choices are text, json/);
});

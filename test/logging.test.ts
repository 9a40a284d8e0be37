import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from './helpers/runCli.js';
import { startFakeOomnitza } from './support/fakeOomnitza.js';

test('logging.json in the original format: file handler at DEBUG, secrets redacted everywhere', async () => {
  const oom = await startFakeOomnitza();
  try {
    const logging = {
      version: 1,
      handlers: {
        console: { class: 'logging.StreamHandler', level: 'INFO', stream: 'ext://sys.stdout' },
        debug_file: { class: 'lib.config.RotateHandler', level: 'DEBUG', filename: 'logs/debug.log', maxBytes: 1048576, backupCount: 2 },
      },
      root: { level: 'DEBUG', handlers: ['console', 'debug_file'] },
    };
    const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_users]\nenable = True\nfilename = u.csv\npassword = hunter2-secret-pw\nmapping.USER = login\nmapping.ECHO = {"setting": "password"}\n`;
    const dir = tempDir({ 'config.ini': ini, 'logging.json': JSON.stringify(logging), 'u.csv': 'login\nann\n', 'logs/.keep': '' });
    const res = await runCli(['upload', 'csv_users', '--ini', 'config.ini', '--testmode', '--show-mappings'], { cwd: dir });
    expect(res.code).toBe(0);
    const file = fs.readFileSync(path.join(dir, 'logs', 'debug.log'), 'utf8');
    expect(file).toMatch(/\[csv_users\] pulled 1/);
    // Console handler configured to stdout, as the original's default file does.
    expect(res.stdout).toMatch(/\[csv_users\] pulled 1/);
    for (const text of [res.stdout, res.stderr, file]) {
      expect(text).not.toContain(oom.token);
      // Not declared by csv_users, but named like a credential: redacted too (the ECHO mapping prints ***).
      expect(text).not.toContain('hunter2-secret-pw');
    }
    expect(res.stdout).toContain('"ECHO": "***"');
  } finally {
    await oom.close();
  }
});

test('a missing --logging-config file is a configuration error (exit 2)', async () => {
  const res = await runCli(['upload', 'x', '--logging-config', 'nope.json'], { cwd: tempDir() });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/nope\.json: logging config file not found/);
});

/** A section whose every record is rejected by Oomnitza (400, then one by one), logging to the handler given. */
function failingRun(oomUrl: string, token: string, handler: Record<string, unknown>, files: Record<string, string> = {}) {
  const ini = `[oomnitza]\nurl = ${oomUrl}\napi_token = ${token}\n\n[csv_assets]\nenable = True\nfilename = a.csv\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\n`;
  const logging = { version: 1, handlers: { console: { class: 'logging.StreamHandler', level: 'INFO' }, debug_file: handler }, root: { level: 'DEBUG', handlers: ['console', 'debug_file'] } };
  return tempDir({ 'config.ini': ini, 'logging.json': JSON.stringify(logging), 'a.csv': 'serial\nS1\nS2\n', ...files });
}

const onLinux = fs.existsSync('/dev/full') ? test : test.skip;

onLinux('a log file that cannot be written (full disk): a run whose records all failed still exits 1, reported once, no hang', async () => {
  const oom = await startFakeOomnitza();
  try {
    oom.failBulk(400, 10);
    const dir = failingRun(oom.url, oom.token, { class: 'RotateHandler', level: 'DEBUG', filename: '/dev/full' });
    // A hang would be killed (exit -1) before jest's own timeout.
    const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, timeoutMs: 25_000 });
    expect(res.stderr).toMatch(/\[csv_assets\] pulled 2, .*pushed 0, failed 2/);
    expect(res.code).toBe(1);
    const reports = res.stderr.match(/cannot write the log file "\/dev\/full" \(handler "debug_file" in \.\/logging\.json\): no space left on device/g);
    expect(reports).toHaveLength(1);
  } finally {
    await oom.close();
  }
});

test('file handlers rotate as the original does: info.log, info.log.1 ... info.log.<backupCount>', async () => {
  const oom = await startFakeOomnitza();
  try {
    const dir = failingRun(oom.url, oom.token, { level: 'DEBUG', filename: 'logs/info.log', maxBytes: 300, backupCount: 2 });
    const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
    expect(res.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'logs')).sort()).toEqual(['info.log', 'info.log.1', 'info.log.2']);
    for (const name of ['info.log', 'info.log.1']) expect(fs.statSync(path.join(dir, 'logs', name)).size).toBeLessThanOrEqual(300);
    expect(fs.readFileSync(path.join(dir, 'logs', 'info.log'), 'utf8')).toMatch(/\[csv_assets\] pulled 2/);
  } finally {
    await oom.close();
  }
});

test('a rotation that fails is reported once and later lines are still appended to the current file', async () => {
  const oom = await startFakeOomnitza();
  try {
    // A non-empty directory where the first backup should go: rename() fails.
    const dir = failingRun(oom.url, oom.token, { level: 'DEBUG', filename: 'logs/info.log', maxBytes: 300, backupCount: 1 }, { 'logs/info.log.1/x': '' });
    const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/cannot write the log file ".*info\.log" \(handler "debug_file"/g)).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'logs', 'info.log'), 'utf8')).toMatch(/\[csv_assets\] pulled 2/);
  } finally {
    await oom.close();
  }
});

const asRoot = process.getuid?.() === 0;
const unwritableCases: Array<[string, string, Record<string, string>, RegExp]> = [
  ['a file where a directory should be (ENOTDIR)', 'blocker/sub/debug.log', { blocker: 'x' }, /cannot create the log directory of ".*blocker\/sub\/debug\.log": .*"[^"]*blocker" is a file and not a directory \(ENOTDIR\)/],
  ['a directory under /proc, where mkdir -p never returns', '/proc/connector-test/debug.log', {}, /cannot create the log directory of "\/proc\/connector-test\/debug\.log": no such file or directory \(ENOENT\)/],
  ['a directory where the file should be (EISDIR)', 'logs', { 'logs/.keep': '' }, /cannot open the log file ".*logs" for writing: illegal operation on a directory \(EISDIR\)/],
];
const canMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
if (canMkfifo) unwritableCases.push(['a FIFO nobody reads (ENXIO), where opening for writing would block', 'pipe', {}, /cannot open the log file ".*pipe" for writing: no such device or address \(ENXIO\)/]);
if (!asRoot) {
  unwritableCases.push(['a directory without write permission (EACCES)', 'ro/sub/debug.log', { 'ro/.keep': '' }, /cannot create the log directory of ".*ro\/sub\/debug\.log": permission denied \(EACCES\)/]);
  unwritableCases.push(['a read-only log file (EACCES)', 'ro/debug.log', { 'ro/debug.log': '' }, /cannot open the log file ".*ro\/debug\.log" for writing: permission denied \(EACCES\)/]);
}

test.each(unwritableCases)('a log file that cannot be created, %s: config error naming logging.json and the handler, exit 2, no work', async (_name, filename, files, message) => {
  const oom = await startFakeOomnitza();
  try {
    const dir = failingRun(oom.url, oom.token, { level: 'DEBUG', filename }, files);
    // Read-only: the folder in the first EACCES case, the file in the second.
    if (filename === 'ro/sub/debug.log') fs.chmodSync(path.join(dir, 'ro'), 0o555);
    if (filename === 'ro/debug.log') fs.chmodSync(path.join(dir, filename), 0o444);
    if (filename === 'pipe') spawnSync('mkfifo', [path.join(dir, 'pipe')]);
    const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, timeoutMs: 25_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/connector: configuration error: \.\/logging\.json: handlers\.debug_file\.filename: /);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(oom.log).toEqual([]);
  } finally {
    await oom.close();
  }
});

test('logging.json mistakes are config errors: an unknown level, an undefined handler, a negative size', async () => {
  const cases: Array<[object, RegExp]> = [
    [{ handlers: { c: { level: 'LOUD' } }, root: { handlers: ['c'] } }, /logging\.json: handlers\.c\.level: unknown level "LOUD"/],
    [{ handlers: {}, root: { handlers: ['nope'] } }, /logging\.json: root\.handlers: handler "nope" is not defined/],
    [{ handlers: { f: { filename: 'x.log', maxBytes: -1 } } }, /logging\.json: handlers\.f\.maxBytes: must be a whole number/],
  ];
  for (const [logging, message] of cases) {
    const res = await runCli(['upload', 'x'], { cwd: tempDir({ 'logging.json': JSON.stringify(logging) }) });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  }
});

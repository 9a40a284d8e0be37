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

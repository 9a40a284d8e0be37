/** Config mistakes through the built CLI: exit 2 with file:line and the setting, before anything connects. */
import { runCli, tempDir } from '../helpers/runCli.js';

const config = (url: string) =>
  `[oomnitza]\nurl = ${url}\napi_token = t0ken-123456\n\n[csv_assets]\nenable = True\nfilename = assets.csv\nmapping.SERIAL_NUMBER = serial\n`;

test.each([
  ['127.0.0.1:8080', '"127.0.0.1:8080" is not a URL: it has no scheme'],
  ['not a url', '"not a url" is not a URL'],
  ['ftp://127.0.0.1:1/', '"ftp://127.0.0.1:1/" must start with https:// or http://'],
])('[oomnitza] url = %s is a config error (exit 2), not "unreachable"', async (url, message) => {
  const dir = tempDir({ 'config.ini': config(url), 'assets.csv': 'serial\nS1\n' });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toContain(`config.ini:2: [oomnitza] url: ${message}`);
  expect(res.code).toBe(2);
});

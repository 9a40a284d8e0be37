/** Command-line flags: values out of range are usage errors (exit 2) before anything is read. */
import { runCli, tempDir } from '../helpers/runCli.js';

test.each([
  ['1000000000', "option '--workers <n>' argument '1000000000' is invalid. must be between 1 and 64"],
  ['65', "option '--workers <n>' argument '65' is invalid. must be between 1 and 64"],
  ['0', "option '--workers <n>' argument '0' is invalid. must be a whole number above 0"],
  ['2.5', "option '--workers <n>' argument '2.5' is invalid. must be a whole number above 0"],
  ['1e3', "option '--workers <n>' argument '1e3' is invalid. must be a whole number above 0"],
])('--workers %s is a usage error (exit 2)', async (value, message) => {
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', value], { cwd: tempDir() });
  expect(res.stderr).toContain(message);
  expect(res.code).toBe(2);
});

test('--workers 64 is accepted (the run then fails on the missing config, exit 2 for that reason)', async () => {
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', '64'], { cwd: tempDir() });
  expect(res.stderr).toContain('cannot read the config file');
  expect(res.stderr).not.toContain('--workers');
});

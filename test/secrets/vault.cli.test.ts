/** `connector upload` with [oomnitza] api_token from HashiCorp Vault (its own URL and token from the environment). */
import { startFakeOomnitza } from '../support/fakeOomnitza.js';
import { startFakeVault } from '../support/fakeVault.js';
import { runCli, tempDir } from '../helpers/runCli.js';

const VAULT_TOKEN = 's.cli-test-token-01';

function ini(oomUrl: string): string {
  return `[oomnitza]\nurl = ${oomUrl}\nvault_backend = vault\nvault_credentials_backend = env\nvault_keys = api_token\n\n[csv_assets]\nenable = True\nfilename = a.csv\nmapping.SERIAL_NUMBER = serial\n`;
}

test('the API token comes from Vault; an unreachable Vault exits 1 (not a config error), never printing the token', async () => {
  const oom = await startFakeOomnitza();
  const vault = await startFakeVault({
    mounts: { secret: { version: 2, secrets: { oomnitza: { api_token: oom.token } } } },
    tokens: { [VAULT_TOKEN]: ['*'] },
  });
  try {
    const dir = tempDir({ 'config.ini': ini(oom.url), 'a.csv': 'serial\nS1\n' });
    const env = { CONNECTOR_OOMNITZA_VAULT_URL: vault.url, CONNECTOR_OOMNITZA_VAULT_TOKEN: VAULT_TOKEN };
    const ok = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, env });
    expect(ok.stderr).toMatch(/pushed 1, failed 0/);
    expect(ok.code).toBe(0);
    expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'S1' }]);
    expect(ok.stdout + ok.stderr).not.toContain(oom.token);

    const down = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], {
      cwd: dir,
      env: { ...env, CONNECTOR_OOMNITZA_VAULT_URL: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Vault at http:\/\/127\.0\.0\.1:9/);
    expect(down.stdout + down.stderr).not.toContain(VAULT_TOKEN);
  } finally {
    await vault.close();
    await oom.close();
  }
});

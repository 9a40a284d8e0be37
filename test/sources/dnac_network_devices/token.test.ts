/** The X-Auth-Token's 60 minutes: renewed before they run out (no request carries a dying token), by the kit's session. */
import { HttpClient } from '../../../src/http/client.js';
import { deviceList, dnacCredentials, dnacSession } from '../../../src/sources/dnac_network_devices/dnacApi.js';
import { startFakeDnac, type FakeDnac } from '../../support/fakeDnac.js';

let dnac: FakeDnac;
let root: HttpClient;
afterEach(async () => {
  await root?.close();
  await dnac?.close();
});

test('a token is reused for 55 minutes, then renewed before its 60 minutes end', async () => {
  dnac = await startFakeDnac({ devices: 3 });
  let clock = 1_000_000;
  const creds = dnacCredentials({ username: dnac.username, password: dnac.password, authorization_settings: {} }, 'dnac_network_devices');
  root = new HttpClient({ section: 'dnac_network_devices', tls: { verify: true }, retry: { retries: 0 } });
  const api = root.with({ baseUrl: dnac.url, auth: dnacSession(dnac.url, creds, 'dnac_network_devices', () => clock) });
  const read = async () => {
    const out: unknown[] = [];
    for await (const d of deviceList(api, dnac.url, new AbortController().signal)) out.push(d);
    return out;
  };
  expect(await read()).toHaveLength(3);
  clock += 54 * 60_000;
  await read();
  expect(dnac.tokens).toHaveLength(1);
  clock += 2 * 60_000;
  await read();
  expect(dnac.tokens).toHaveLength(2);
  expect(dnac.log.filter((l) => l.startsWith('POST'))).toHaveLength(2);
});

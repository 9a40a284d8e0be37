/** wsdl_path: a URL or a file; the service address and SOAPActions read from it; what is wrong names wsdl_path. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpClient } from '../../../src/http/client.js';
import { loadTerminalService, wsdlLocation } from '../../../src/sources/jasper/wsdl.js';
import { tempDir } from '../../helpers/runCli.js';
import { startFakeJasper } from '../../support/fakeJasper.js';
import { startTestServer } from '../../support/httpTestServer.js';

const http = new HttpClient({ section: 'jasper', tls: { verify: true }, retry: { retries: 0 } });
afterAll(() => http.close());
const OPS = ['GetModifiedTerminals', 'GetTerminalDetails'];

test('where the WSDL is: a URL, a path relative to the INI folder, a file:// URL; other schemes are config errors', () => {
  expect(wsdlLocation('https://api.jasper.com/ws/schema/Terminal.wsdl', '/etc/connector', 'jasper')).toEqual({ kind: 'url', url: 'https://api.jasper.com/ws/schema/Terminal.wsdl' });
  expect(wsdlLocation('wsdl/Terminal.wsdl', '/etc/connector', 'jasper')).toEqual({ kind: 'file', path: '/etc/connector/wsdl/Terminal.wsdl' });
  expect(wsdlLocation('file:///opt/Terminal.wsdl', '/etc/connector', 'jasper')).toEqual({ kind: 'file', path: '/opt/Terminal.wsdl' });
  expect(() => wsdlLocation('ftp://host/Terminal.wsdl', '/etc', 'jasper')).toThrow('[jasper] wsdl_path: "ftp://host/Terminal.wsdl" must be an http(s) URL or a file');
});

test("the service address and each operation's SOAPAction come from the WSDL, served or saved to a file", async () => {
  const cc = await startFakeJasper();
  try {
    const served = await loadTerminalService({ kind: 'url', url: cc.wsdlUrl }, http, 'jasper', OPS);
    expect(served).toEqual({
      endpoint: `${cc.url}/ws/service/terminal`,
      actions: {
        GetModifiedTerminals: 'http://api.jasperwireless.com/ws/service/terminal/GetModifiedTerminals',
        GetTerminalDetails: 'http://api.jasperwireless.com/ws/service/terminal/GetTerminalDetails',
      },
    });
    const text = (await http.request('GET', cc.wsdlUrl)).text;
    const dir = tempDir({ 'Terminal.wsdl': text });
    const where = wsdlLocation(pathToFileURL(path.join(dir, 'Terminal.wsdl')).toString(), '/', 'jasper');
    expect(await loadTerminalService(where, http, 'jasper', OPS)).toEqual(served);
    await expect(loadTerminalService(where, http, 'jasper', [...OPS, 'GetSessionInfo']))
      .rejects.toThrow(/^\[jasper\] wsdl_path: .*Terminal\.wsdl: the WSDL has no SOAP operation GetSessionInfo/);
  } finally {
    await cc.close();
  }
});

test('no WSDL at the URL, a file that is missing or is no WSDL: config errors naming wsdl_path', async () => {
  const server = await startTestServer({ 'GET /ws/schema/Terminal.wsdl': { status: 404, body: 'Not Found' }, 'GET /html': { body: '<html><body>Login</body></html>' } });
  try {
    await expect(loadTerminalService({ kind: 'url', url: `${server.url}/ws/schema/Terminal.wsdl` }, http, 'jasper', OPS))
      .rejects.toThrow(`[jasper] wsdl_path: ${server.url}/ws/schema/Terminal.wsdl: no WSDL there (HTTP 404)`);
    await expect(loadTerminalService({ kind: 'url', url: `${server.url}/html` }, http, 'jasper', OPS)).rejects.toThrow('not a WSDL document (no wsdl:definitions)');
    await expect(loadTerminalService({ kind: 'file', path: '/nonexistent/Terminal.wsdl' }, http, 'jasper', OPS))
      .rejects.toThrow('[jasper] wsdl_path: /nonexistent/Terminal.wsdl: cannot read the WSDL file (ENOENT)');
  } finally {
    await server.close();
  }
});

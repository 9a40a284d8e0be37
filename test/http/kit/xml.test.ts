import { HttpClient } from '../../../src/http/client.js';
import { parseXml } from '../../../src/http/xml.js';
import { startTestServer } from '../../support/httpTestServer.js';

test('the xmltodict shape: attributes @, #text beside attributes, single child object, repeats as a list, empty null, strings kept', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<computer id="7">
  <general><name>mac-7</name><serial_number>C02X</serial_number><asset_tag/><udid></udid></general>
  <extension_attributes>
    <extension_attribute><id>1</id><name>Cost Center</name><value>0042</value></extension_attribute>
    <extension_attribute><id>2</id><name>Owner</name><value>ann</value></extension_attribute>
  </extension_attributes>
  <groups><group>Lab</group></groups>
  <size unit="GB">512</size>
  <soap:Body xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><ok>true</ok></soap:Body>
</computer>`;
  expect(parseXml(xml)).toEqual({
    computer: {
      '@id': '7',
      general: { name: 'mac-7', serial_number: 'C02X', asset_tag: null, udid: null },
      extension_attributes: {
        extension_attribute: [
          { id: '1', name: 'Cost Center', value: '0042' },
          { id: '2', name: 'Owner', value: 'ann' },
        ],
      },
      groups: { group: 'Lab' },
      size: { '@unit': 'GB', '#text': '512' },
      'soap:Body': { '@xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/', ok: 'true' },
    },
  });
});

test('response.xml() parses the body; malformed XML is a clear error, not a half record', async () => {
  const server = await startTestServer({ 'GET /ok': { body: '<a><b>1</b></a>' }, 'GET /bad': { body: '<a><b>1</a>' } });
  const client = new HttpClient({ section: 'jasper', tls: { verify: true } });
  try {
    expect((await client.request('GET', `${server.url}/ok`)).xml()).toEqual({ a: { b: '1' } });
    const bad = await client.request('GET', `${server.url}/bad`);
    expect(() => bad.xml()).toThrow(`[jasper] GET ${server.url}/bad: the response (HTTP 200) is not XML; it starts with "<a><b>1</a>"`);
  } finally {
    await client.close();
    await server.close();
  }
});

/**
 * `serve` runs a section exactly as `upload` prepares it: converters bound to Oomnitza included. The `location`
 * converter needs the locations loaded from Oomnitza; without them it passes the Jamf building name through.
 */
import { makeComputer } from '../support/fakeJamf.js';
import { startHarness, waitFor, webhook, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const serial = (id: number) => (makeComputer(id).general as { serial_number: string }).serial_number;

test('the location converter sends the Oomnitza location id of the building Jamf names, not the name', async () => {
  h = await startHarness({
    // Every fake Jamf computer is in building "HQ".
    oomnitza: { locations: [{ location_id: 'loc-7f3a', name: 'HQ' }, { location_id: 'loc-2b9c', name: 'Lisbon' }] },
    extra: { casper: 'mapping.LOCATION = {"source": "location.building", "converter": "location"}' },
  });
  // One device per portion: each portion runs the section as prepared.
  for (const id of [1, 2]) {
    expect((await h.post('/casper', webhook('ComputerInventoryCompleted', id))).status).toBe(204);
    await waitFor(() => h!.oom.records('Casper').length === id);
  }
  const sent = h.oom.records('Casper').map((r) => [r.SERIAL_NUMBER, r.LOCATION]);
  expect(sent).toEqual([[serial(1), 'loc-7f3a'], [serial(2), 'loc-7f3a']]);
  expect(h.oom.bulkRequests.filter((b) => b.connector_name === 'Casper')).toHaveLength(2);
  // Loaded once when the section was prepared, not once per webhook or per portion.
  expect(h.oom.log.filter((l) => l === 'GET /api/v3/locations')).toHaveLength(1);
  expect(await h.stop()).toBe(0);
});

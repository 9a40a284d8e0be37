/** [managed_reports.N] (§13, 2.3.3's flow): media storage query, downloads, add_ready_portion per file, a state file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TemplateEngine } from '../../../src/managed/template/types.js';
import { STATE_FILE, reportFileName } from '../../../src/managed/reports.js';
import { startFakeManagedCloud, type FakeManagedCloud, type MediaFileSpec } from '../../support/fakeManagedCloud.js';
import { fakeFetch, harness } from './harness.js';
import { useTemplateEngine } from '../../helpers/templateEngine.js';

let engine: TemplateEngine;
let cloud: FakeManagedCloud;
let dir: string;
useTemplateEngine((e) => (engine = e));
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-reports-'));
});
afterEach(async () => {
  await cloud?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (uid: string, creation: number, extra: Partial<MediaFileSpec> = {}): MediaFileSpec => ({
  uid, filename: `${uid}.csv`, creation_date: creation, created_by_type: 'reports_connectors', created_by_id: '9', content: `content of ${uid}\n`, ...extra,
});
const reportsIntegration = (folder: string, extra: Record<string, unknown> = {}) => ({
  id: 9, name: 'Export', type: 'assets', update_only: 'False', insert_only: 'False', reports_service: true, folder_path: folder, ...extra,
});

test('new files are downloaded (timestamped names), each told to Oomnitza; a restart repeats none, and a file of the same second is not skipped', async () => {
  const folder = path.join(dir, 'reports');
  const media = [file('a', 1700000000), file('b', 1700000100, { status: 500 })];
  cloud = await startFakeManagedCloud({ media, polls: [[reportsIntegration(folder)]] });
  const h = harness(cloud, fakeFetch({}), engine, [], { retries: 0 });
  expect(await h.run()).toBe(1); // b failed
  expect(fs.readFileSync(path.join(folder, '20231114221320_a.csv'), 'utf8')).toBe('content of a\n');
  expect(cloud.readyPortions).toEqual([
    ['9', { correlation_id: 'a', added: 1 }],
    ['9', { correlation_id: 'b', failed: 1, error_message: expect.stringMatching(/HTTP 500/), test_run: false, multi_str_input_value: null }],
  ]);
  const query = cloud.calls('/api/v3/media_storage')[0];
  expect(query.query).toEqual({ filter: "(creation_date gt 0) and (created_by_type eq 'reports_connectors')", created_by_id: '9', sortby: 'creation_date asc' });
  expect(cloud.calls('/media/').every((r) => r.token === undefined)).toBe(true);
  expect(cloud.calls('/api/v2/mappings').filter((r) => r.query.connector_id)).toEqual([]);

  // Restart: a new file in the same second as the last one done, and a later one; nothing already done again.
  media.push(file('c', 1700000100), file('d', 1700000200));
  cloud.queuePoll([reportsIntegration(folder, { overwrite_reports: 'True' })]);
  cloud.readyPortions.length = 0;
  expect(await h.run()).toBe(0);
  expect(cloud.readyPortions.map(([, b]) => b.correlation_id)).toEqual(['c', 'd']);
  expect(fs.readFileSync(path.join(folder, 'd.csv'), 'utf8')).toBe('content of d\n');
  expect(cloud.calls('/api/v3/media_storage')[1].query.filter).toBe("(creation_date gt 1700000099) and (created_by_type eq 'reports_connectors')");
  expect(JSON.parse(fs.readFileSync(path.join(folder, STATE_FILE), 'utf8'))).toEqual({ 'reports_connectors:9': { last: 1700000200, uids: ['d'] } });
  expect(fs.readdirSync(folder).filter((f) => f.endsWith('.part'))).toEqual([]);
});

test('file names: only the last path part, UTC stamp unless overwrite_reports', () => {
  const f = { uid: 'u', filename: '../../etc/passwd', url: 'x', creation_date: 1700000000 };
  expect(reportFileName(f, true)).toBe('passwd');
  expect(reportFileName(f, false)).toBe('20231114221320_passwd');
});

test('folder_path that is a file fails the run and downloads nothing', async () => {
  const target = path.join(dir, 'a-file');
  fs.writeFileSync(target, 'x');
  cloud = await startFakeManagedCloud({ media: [file('a', 1)], polls: [[reportsIntegration(target)]] });
  expect(await harness(cloud, fakeFetch({}), engine).run()).toBe(1);
  expect(cloud.readyPortions).toEqual([]);
});

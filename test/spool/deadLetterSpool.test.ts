import { jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactor } from '../../src/logging.js';
import { DeadLetterSpool, sectionFolder } from '../../src/spool/deadLetterSpool.js';
import { lockSection, SectionLockedError } from '../../src/spool/sectionLock.js';
import { tempDir } from '../helpers/runCli.js';

const envelope = { connector_name: 'csv_assets', data_type: 'assets', sync_field: ['SERIAL_NUMBER'], insert_only: false, update_only: false };
const quiet = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), debug: jest.fn() } as never;

describe('dead-letter spool', () => {
  test('a batch is written whole (0600), read back oldest first, and removed once delivered', async () => {
    const spool = new DeadLetterSpool(path.join(tempDir(), 'spool'));
    const first = await spool.append({
      ...envelope, section: 'casper.MDM', portion: 'p1', cause: 'HTTP 503', errorClass: 'transient', names: ['SERIAL_NUMBER="S1"'], records: [{ SERIAL_NUMBER: 'S1' }],
    });
    await spool.append({ ...envelope, section: 'casper.MDM', portion: 'p1', cause: 'HTTP 422', errorClass: 'permanent', names: ['b'], records: [{ SERIAL_NUMBER: 'S2' }] });
    expect(path.basename(path.dirname(first))).toBe('casper.MDM');
    expect(fs.statSync(first).mode & 0o777).toBe(0o600);
    expect(await spool.sections()).toEqual(['casper.MDM']);
    const { batches, unreadable } = await spool.batches('casper.MDM');
    expect(unreadable).toEqual([]);
    expect(batches.map((b) => [b.entry.cause, b.entry.errorClass, b.entry.records])).toEqual([
      ['HTTP 503', 'transient', [{ SERIAL_NUMBER: 'S1' }]],
      ['HTTP 422', 'permanent', [{ SERIAL_NUMBER: 'S2' }]],
    ]);
    expect(batches[0].entry).toMatchObject({ version: 1, section: 'casper.MDM', portion: 'p1', ...envelope, time: expect.stringMatching(/^\d{4}-/) });
    // No temporary file is left behind.
    expect(fs.readdirSync(path.dirname(first)).filter((n) => n.startsWith('.'))).toEqual([]);
    await spool.remove(batches[0]);
    expect((await spool.batches('casper.MDM')).batches).toHaveLength(1);
    await spool.remove(batches[1]);
    expect(await spool.sections()).toEqual([]); // the emptied folder goes too
  });

  test('secret values in records never reach the disk', async () => {
    redactor.add('hunter2-secret-value');
    const spool = new DeadLetterSpool(path.join(tempDir(), 'spool'));
    const file = await spool.append({ ...envelope, section: 'csv_assets', portion: 'p', cause: 'x', errorClass: 'transient', names: [], records: [{ NOTE: 'pw hunter2-secret-value' }] });
    expect(fs.readFileSync(file, 'utf8')).not.toContain('hunter2-secret-value');
  });

  test('an unreadable file is reported, not skipped silently; a spool that cannot be written throws SpoolError', async () => {
    const dir = path.join(tempDir(), 'spool');
    const spool = new DeadLetterSpool(dir);
    fs.mkdirSync(path.join(dir, 'csv_assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'csv_assets', '2026-01-01-x.json'), '{"version": 1, "records": [');
    const read = await spool.batches('csv_assets');
    expect(read.batches).toEqual([]);
    expect(read.unreadable).toEqual([{ file: path.join(dir, 'csv_assets', '2026-01-01-x.json'), reason: expect.any(String) }]);

    const blocked = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocked, '');
    const broken = new DeadLetterSpool(blocked);
    await expect(broken.append({ ...envelope, section: 's', portion: 'p', cause: 'x', errorClass: 'transient', names: [], records: [] }))
      .rejects.toThrow(/cannot write to the spool .*a-file.*\((ENOTDIR|EEXIST)\)/);
  });

  test('section names become safe folder names', () => {
    expect(sectionFolder('casper.MDM')).toBe('casper.MDM');
    expect(sectionFolder('ldap.Contractors/../x')).toBe('ldap.Contractors_.._x');
  });
});

describe('section lock', () => {
  test('a second run of a section is refused, naming the PID and start time of the first; release frees it', async () => {
    const dir = tempDir();
    const lock = await lockSection(dir, 'csv_assets', quiet);
    await expect(lockSection(dir, 'csv_assets', quiet)).rejects.toThrow(SectionLockedError);
    await expect(lockSection(dir, 'csv_assets', quiet)).rejects.toThrow(
      new RegExp(`\\[csv_assets\\] is already being synced by another run \\(PID ${process.pid} on .*, started \\d{4}-`),
    );
    const other = await lockSection(dir, 'ldap', quiet); // another section is independent
    await lock.release();
    await other.release();
    const again = await lockSection(dir, 'csv_assets', quiet);
    await again.release();
  });

  test('a live process of another run holds the lock; a dead PID is stale and taken over with a warning', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'csv_assets.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), started: '2026-12-01T01:00:00.000Z' }));
    await expect(lockSection(dir, 'csv_assets', quiet)).rejects.toThrow(`PID ${process.ppid} on ${os.hostname()}, started 2026-12-01T01:00:00.000Z`);

    // Above Linux's largest possible PID (2^22): no such process.
    fs.writeFileSync(file, JSON.stringify({ pid: 4_194_999, host: os.hostname(), started: '2026-12-01T01:00:00.000Z' }));
    const log = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), debug: jest.fn() };
    const lock = await lockSection(dir, 'csv_assets', log as never);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('taking over a stale lock'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(fs.existsSync(file)).toBe(false);

    fs.writeFileSync(file, 'garbage'); // SIGKILL while writing the lock: unreadable counts as stale
    await (await lockSection(dir, 'csv_assets', log as never)).release();
  });
});

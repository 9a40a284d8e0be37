/**
 * The state survives what a night can do to it: a run SIGKILLed while it writes the next state leaves the previous
 * one intact (the next run removes the leftover and goes on); a state cut short or with a damaged line is refused,
 * retires nothing and is rebuilt. Also the external sort that keeps the run's keys in bounded memory.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SeenKeys } from '../../src/offboarding/seenKeys.js';
import { readTrailer } from '../../src/offboarding/stateFile.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { repoRoot, tempDir } from '../helpers/runCli.js';
import { run } from './helpers.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const ALL = Array.from({ length: 20 }, (_, i) => `S${i}`);
const csv = (serials: string[]) => `serial\n${serials.join('\n')}\n`;

function setup() {
  const dir = tempDir({ 'assets.csv': csv(ALL) });
  const ini = path.join(dir, 'config.ini');
  fs.writeFileSync(ini, `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n` +
    '[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\n' +
    'retire_missing = True\nretire_mapping = {"STATUS": "Retired"}\n');
  const state = path.join(dir, 'state', 'csv_assets.state');
  return { dir, ini, state, write: (serials: string[]) => fs.writeFileSync(path.join(dir, 'assets.csv'), csv(serials)) };
}
const without = (...gone: string[]) => ALL.filter((s) => !gone.includes(s));

test('a run killed (SIGKILL) while writing the next state leaves the previous state usable; the next run removes the leftover', async () => {
  const { dir, ini, state, write } = setup();
  await run(oom, ini, 'csv_assets');
  write(without('S4'));
  await run(oom, ini, 'csv_assets');
  const before = fs.readFileSync(state);

  // A process that writes the next state of the same section as a real run does, endlessly, until it is killed.
  const writer = `
    const { StateWriter } = await import(${JSON.stringify(path.join(repoRoot, 'dist/src/offboarding/stateFile.js'))});
    const out = await StateWriter.open(${JSON.stringify(state)});
    process.stdout.write(out.temp + '\\n');
    for (let i = 0; ; i++) await out.write({ key: JSON.stringify(['K' + String(i).padStart(12, '0')]), missed: 0, lastSeen: 'now', flag: '-' });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const temp = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  while (!fs.existsSync(temp) || fs.statSync(temp).size < 2_000_000) await new Promise((r) => setTimeout(r, 20));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  expect(fs.existsSync(temp)).toBe(true);
  expect(fs.readFileSync(state).equals(before)).toBe(true);
  expect(await readTrailer(state)).toMatchObject({ entries: 20, seen: 19 });

  // The next run reads the previous state (S4 missed once before) and retires S4; the leftover is gone.
  const next = await run(oom, ini, 'csv_assets');
  expect(next.code).toBe(0);
  expect(next.retired).toEqual([{ SERIAL_NUMBER: 'S4', STATUS: 'Retired' }]);
  expect(fs.readdirSync(path.join(dir, 'state'))).toEqual(['csv_assets.state']);
});

test.each([
  ['cut short (no trailer)', (text: string) => text.slice(0, Math.floor(text.length / 2)), /has no trailer: it was cut short/],
  ['a damaged line', (text: string) => text.replace('["S12"]\t0', '["S12"]\tx'), /line \d+ is not a state entry/],
  ['lines out of order', (text: string) => text.replace('["S12"]', '["S99"]'), /line \d+ is out of order/],
  ['not a state file', () => 'hello\n', /is not an offboarding state file/],
])('a state file %s retires nothing and is rebuilt from the run', async (_name, damage, message) => {
  const { ini, state, write } = setup();
  await run(oom, ini, 'csv_assets');
  write(without('S4'));
  await run(oom, ini, 'csv_assets');
  fs.writeFileSync(state, damage(fs.readFileSync(state, 'utf8')));

  const damaged = await run(oom, ini, 'csv_assets');
  expect(damaged.code).toBe(0);
  expect(damaged.retired).toEqual([]);
  expect(damaged.logs).toMatch(message);
  expect(damaged.logs).toMatch(/offboarding: nothing retired: the state file was damaged/);
  // Rebuilt: S4 is unknown to the new state, so it is not retired later; the others are tracked again.
  expect(await readTrailer(state)).toMatchObject({ entries: 19, seen: 19, complete: false });
  write(without('S4', 'S6'));
  await run(oom, ini, 'csv_assets');
  expect((await run(oom, ini, 'csv_assets')).retired).toEqual([{ SERIAL_NUMBER: 'S6', STATUS: 'Retired' }]);
});

test('the run\'s keys are sorted in bounded chunks spilled to disk and merged into distinct, ordered keys', async () => {
  const dir = tempDir();
  const seen = new SeenKeys(dir, '.t.seen-', 7);
  const keys: string[] = [];
  for (let i = 0; i < 500; i++) keys.push(JSON.stringify([`k${(i * 7919) % 211}`, i % 3 === 0 ? null : 'é\t"x"']));
  for (const k of keys) seen.add(k);
  expect(fs.readdirSync(dir).filter((n) => n.startsWith('.t.seen-'))).toHaveLength(1);
  const out: string[] = [];
  for await (const k of seen.sorted()) out.push(k);
  expect(out).toEqual([...new Set(keys)].sort());
  await seen.dispose();
  expect(fs.readdirSync(dir)).toEqual([]);
});

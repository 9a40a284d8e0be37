/**
 * `[managed_reports.N]`, the export-file integration (managed fact sheet §13), as 2.3.3 runs it (2026.08.1 is broken
 * here: it posts the media objects' keys as records and downloads nothing). Per data source: ask Oomnitza for the
 * report files created after the last one done (O13), download each (O14, no Oomnitza headers: the URL authorizes
 * itself) into `folder_path`, tell Oomnitza per file (O9: added, or failed with the reason), and remember the file's
 * creation_date in a state file, written after each file, so that a restart neither repeats nor skips one.
 *
 * The state lives in `folder_path/.connector-reports-state.json` (the original: a SQLite `state.db` in the working
 * directory, which a cron job's changing cwd loses). Files with the same creation_date as the last one done are
 * asked for again and told apart by their uid, since `creation_date gt` alone would skip a second file of the same
 * second after a restart between the two.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { HttpClient } from '../http/client.js';
import type { OomnitzaClient } from '../oomnitza/client.js';
import type { SectionStats } from '../pipeline/summary.js';
import type { RunPlan } from './integration.js';
import type { Logger } from '../logging.js';
import { isPlainObject } from './settings.js';
import { writeFileAtomic } from '../atomicWrite.js';

export const STATE_FILE = '.connector-reports-state.json';

interface SourceState {
  /** creation_date (epoch seconds) of the last file done. */
  last: number;
  /** uids done at exactly `last`. */
  uids: string[];
}

type State = Record<string, SourceState>;

export interface MediaFile {
  uid: string;
  filename: string;
  url: string;
  creation_date: number;
}

/** `YYYYMMDDHHmmss_<filename>` from creation_date in UTC (1700000000 → 20231114221320_assets.csv), or the name itself. */
export function reportFileName(file: MediaFile, overwrite: boolean): string {
  // Only the last path part: a file name from the server must not write outside folder_path.
  const base = path.basename(file.filename.replace(/\\/g, '/')) || file.uid;
  if (overwrite) return base;
  const d = new Date(file.creation_date * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${stamp}_${base}`;
}

export async function readState(folder: string): Promise<State> {
  try {
    const parsed: unknown = JSON.parse(await fs.promises.readFile(path.join(folder, STATE_FILE), 'utf8'));
    return isPlainObject(parsed) ? (parsed as State) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the reports state ${path.join(folder, STATE_FILE)}: ${errorMessage(err)}`);
  }
}

async function writeState(folder: string, state: State): Promise<void> {
  const file = path.join(folder, STATE_FILE);
  await writeFileAtomic(file, JSON.stringify(state, null, 2));
}

function asMediaFile(v: unknown): MediaFile | undefined {
  if (!isPlainObject(v)) return undefined;
  const creation = typeof v.creation_date === 'number' ? v.creation_date : Number(v.creation_date);
  if (typeof v.url !== 'string' || !Number.isFinite(creation)) return undefined;
  return { uid: String(v.uid ?? ''), filename: typeof v.filename === 'string' ? v.filename : String(v.uid ?? 'report'), url: v.url, creation_date: creation };
}

export async function runReports(plan: RunPlan, client: OomnitzaClient, deps: { signal: AbortSignal; log: Logger }, stats: SectionStats): Promise<void> {
  const reports = plan.reports!;
  const folder = path.resolve(reports.folderPath);
  const stat = await fs.promises.stat(folder).catch(() => undefined);
  if (stat && !stat.isDirectory()) throw new Error(`folder_path "${folder}" is a file, not a folder`);
  if (!stat) await fs.promises.mkdir(folder);
  const state = await readState(folder);
  // O14 carries no Oomnitza headers (the URL authorizes itself), so not the Oomnitza client; its limits, though.
  const limits = client.requestLimits;
  const download = new HttpClient({ section: plan.label, tls: plan.section?.tls ?? { verify: true }, log: deps.log, timeoutMs: limits.timeoutMs, retry: { retries: limits.retries } });
  try {
    for (const source of reports.dataSources) {
      if (deps.signal.aborted) break;
      const key = `${source.type}:${source.id}`;
      const done = state[key] ?? { last: 0, uids: [] };
      // `gt last - 1` asks again for files of the last second; those already done are skipped by uid.
      const listed = await client.mediaStorage(source, Math.max(0, done.last - 1), deps.signal);
      if (!Array.isArray(listed)) throw new Error('Oomnitza answered the media storage query with something other than a list');
      const files = listed.map(asMediaFile).filter((f): f is MediaFile => f !== undefined)
        .sort((a, b) => a.creation_date - b.creation_date);
      for (const file of files) {
        if (deps.signal.aborted) break;
        if (file.creation_date < done.last || (file.creation_date === done.last && done.uids.includes(file.uid))) continue;
        stats.pulled++;
        const name = reportFileName(file, reports.overwrite);
        try {
          await saveFile(download, file.url, path.join(folder, name), deps.signal);
          stats.pushed++;
          deps.log.info(`${plan.label}: saved ${path.join(folder, name)}`);
          await client.addReadyPortion(plan.id, { correlation_id: file.uid, added: 1 }, deps.signal);
        } catch (err) {
          if (deps.signal.aborted) break;
          stats.fail(`${file.filename} (${file.uid})`, errorMessage(err));
          await client.addReadyPortion(plan.id, {
            correlation_id: file.uid, failed: 1, error_message: errorMessage(err), test_run: false, multi_str_input_value: null,
          }, deps.signal).catch((e: unknown) => deps.log.error(`${plan.label}: telling Oomnitza failed: ${errorMessage(e)}`));
        }
        // As the original: a failed file is not tried again (Oomnitza was told it failed).
        if (file.creation_date > done.last) {
          done.last = file.creation_date;
          done.uids = [];
        }
        done.uids.push(file.uid);
        state[key] = done;
        await writeState(folder, state);
      }
    }
  } finally {
    await download.close();
  }
}

/** Streams the body into `<target>.part`, then renames: a crash leaves no half file under the real name. */
async function saveFile(http: HttpClient, url: string, target: string, signal: AbortSignal): Promise<void> {
  const res = await http.stream('GET', url, { signal });
  const part = `${target}.part`;
  const out = fs.createWriteStream(part, { mode: 0o600 });
  try {
    for await (const chunk of res.body) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await fs.promises.rename(part, target);
  } catch (err) {
    out.destroy();
    await fs.promises.rm(part, { force: true });
    throw err;
  }
}

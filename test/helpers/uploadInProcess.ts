/** Runs `upload` in this process (no CLI spawn) on a config in a private folder, for tests that run a section again and again. */
import fs from 'node:fs';
import path from 'node:path';
import type { CommonOptions } from '../../src/cli/options.js';
import { upload } from '../../src/cli/upload.js';
import { incrementalStateFile } from '../../src/pipeline/incremental.js';
import type { FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from './runCli.js';

export interface InProcessUpload {
  dir: string;
  ini: string;
  /** One `upload <section>`: its exit code; the fake Oomnitza's bulk requests are cleared first. */
  run(o?: Partial<CommonOptions>): Promise<number>;
  /** The section's saved incremental state (state/<section>.incremental.json), or undefined. */
  state(): { watermark: string; incrementalRuns: number; lastFullRead: string; source: string } | undefined;
}

export function uploadInProcess(oom: FakeOomnitza, section: string, sectionText: string): InProcessUpload {
  const dir = tempDir({ 'config.ini': `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n[${section}]\n${sectionText}` });
  const ini = path.join(dir, 'config.ini');
  const opts: CommonOptions = { ini, loggingConfig: 'none.json', loggingConfigExplicit: false, workers: 1, showMappings: false, testmode: false, saveData: false };
  const file = incrementalStateFile(path.join(dir, 'state'), section);
  return {
    dir,
    ini,
    run: (o = {}) => {
      oom.bulkRequests.length = 0;
      return upload([section], { ...opts, ...o }, new AbortController().signal);
    },
    state: () => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined),
  };
}

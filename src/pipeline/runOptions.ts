/** The command-line flags of a run (`upload`, `serve`) as the options syncSection takes. */
import { VERSION } from '../version.js';
import type { RunOptions } from './syncSection.js';

export interface RunFlags {
  testmode: boolean;
  saveData: boolean;
  recordCount?: number;
  workers: number;
}

export function runOptions(flags: RunFlags, signal: AbortSignal): RunOptions {
  return {
    testmode: flags.testmode,
    saveData: flags.saveData,
    recordCount: flags.recordCount,
    workers: flags.workers,
    signal,
    print: (text) => process.stdout.write(`${text}\n`),
    connectorVersion: VERSION,
    saveDir: 'save_data',
  };
}

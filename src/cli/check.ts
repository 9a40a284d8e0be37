/**
 * `connector test <section...>`: a real probe of each source (connect, authenticate, read one record) and of
 * Oomnitza (token check). Prints OK or the exact failure per section.
 */
import { loadConfig } from '../config/loadConfig.js';
import { errorMessage } from '../errors.js';
import { displayUrl } from '../http/httpError.js';
import { getLogger, redactor } from '../logging.js';
import { OomnitzaClient } from '../oomnitza/client.js';
import { createRuntimes } from '../pipeline/sectionRuntime.js';
import type { CommonOptions } from './options.js';

const CHECK_TIMEOUT_MS = 60_000;

export async function check(sectionNames: string[], opts: CommonOptions, signal: AbortSignal): Promise<number> {
  const config = await loadConfig(opts.ini, { sections: sectionNames, requireEnabled: false });
  const runtimes = createRuntimes(config, { signal, workers: opts.workers });
  const print = (line: string) => process.stdout.write(`${redactor.redact(line)}\n`);
  let failures = 0;

  const oomnitza = new OomnitzaClient(config.oomnitza, getLogger('oomnitza'), { retry: { retries: 1 }, timeoutMs: 15_000 });
  try {
    await oomnitza.authenticate();
    print(`OK     [oomnitza] ${displayUrl(config.oomnitza.url)}: authenticated`);
  } catch (err) {
    failures++;
    print(`FAILED [oomnitza] ${errorMessage(err)}`);
  } finally {
    await oomnitza.close();
  }

  for (const rt of runtimes) {
    try {
      const detail = await withTimeout(rt.source.check(), CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS / 1000} s`);
      print(`OK     [${rt.section.name}] ${detail}`);
    } catch (err) {
      failures++;
      // Most errors already start with the section (HTTP errors, ConfigErrors of a source): say it once.
      const own = `[${rt.section.name}] `;
      const message = errorMessage(err);
      print(`FAILED ${own}${message.startsWith(own) ? message.slice(own.length) : message}`);
    } finally {
      await rt.close();
    }
  }
  return failures ? 1 : 0;
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

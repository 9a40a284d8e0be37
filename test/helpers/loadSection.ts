/** Loads one source section as `connector` does: the config loader (validation, defaults), then the source's create(). */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type SectionConfig } from '../../src/config/loadConfig.js';
import { ConfigErrors } from '../../src/errors.js';
import { createRuntimes } from '../../src/pipeline/sectionRuntime.js';
import { tempDir } from './runCli.js';

const OOMNITZA = '[oomnitza]\nurl = https://example.oomnitza.com\napi_token = oomnitza-token-0123456789\n\n';

/** The section named `name` of `ini` (an [oomnitza] section is added), or the error message (file name shown as config.ini). */
export async function loadSection(name: string, ini: string): Promise<SectionConfig | string> {
  const file = path.join(tempDir(), 'config.ini');
  fs.writeFileSync(file, OOMNITZA + ini);
  try {
    const config = await loadConfig(file, { sections: [name], requireEnabled: false });
    const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
    await Promise.all(runtimes.map((r) => r.close()));
    return config.sections.find((s) => s.name === name)!;
  } catch (err) {
    return (err as Error).message.replace(file, 'config.ini');
  }
}

/**
 * The sections `names` of an INI as `upload` loads them (enabled ones required), or every config problem at once
 * (file shown as config.ini). `ini` is a whole INI when it starts with a section header, else the setting lines of
 * `[names[0]]` (enabled).
 */
export async function loadSections(names: string[], ini: string): Promise<{ sections: SectionConfig[]; errors: string[] }> {
  const file = path.join(tempDir(), 'config.ini');
  fs.writeFileSync(file, `${OOMNITZA}${ini.startsWith('[') ? ini : `[${names[0]}]\nenable = True\n${ini}`}\n`);
  try {
    const config = await loadConfig(file, { sections: names, requireEnabled: true });
    const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
    await Promise.all(runtimes.map((r) => r.close()));
    return { sections: config.sections, errors: [] };
  } catch (err) {
    if (!(err instanceof ConfigErrors)) throw err;
    return { sections: [], errors: err.errors.map((e) => e.message.replace(file, 'config.ini')) };
  }
}

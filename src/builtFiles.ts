/**
 * Files of the build that are loaded by path at run time: worker scripts and package.json. This module's output is
 * dist/src/builtFiles.js; in the bundle bin/connector starts (scripts/bundle.mjs) its code sits in a file of
 * dist/src too. `import.meta.url` is therefore dist/src/ either way, and a path from here holds in both, where a
 * path relative to each module's own file would break once its code is bundled.
 */
export function builtFile(pathFromDistSrc: string): URL {
  return new URL(pathFromDistSrc, import.meta.url);
}

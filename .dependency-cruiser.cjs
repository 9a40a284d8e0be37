/**
 * Import boundaries of src/ (`npm run lint:deps`, run by scripts/test.sh before jest). They keep the layering
 * that lets a new source be one folder: the record vocabulary and the settings DSL are leaves, sources see
 * only the contract in src/sources/types.ts (plus http/, converters' vocabulary and the leaves), and only the
 * composition root (the config loader, generate-ini, the CLI) knows which sources exist. Tests may import
 * anything, so only src/ is checked. Type-only imports count: a type import is still a dependency on a layer.
 */
/**
 * Folders under src/sources/ that are not sources but what several sources of one vendor share (its API client, its
 * sign-in): sources of that vendor import them; they import no source folder themselves.
 */
const SHARED_SOURCE_FOLDERS = '^src/sources/(google|msgraph|servicenow|workspaceone)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be understood, tested or replaced alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'leaves-import-nothing',
      severity: 'error',
      comment: 'records.ts (records, mappings, getPath), errors.ts and the settings DSL are imported by every layer, so they import nothing from src/.',
      from: { path: '^src/(records|errors)\\.ts$|^src/config/settings\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'sources-only-read',
      severity: 'error',
      comment: 'A source reads records; the pipeline, the server, the CLI and Oomnitza use sources, never the reverse.',
      from: { path: '^src/sources/' },
      to: { path: '^src/(pipeline|server|cli|oomnitza)/|^src/config/loadConfig\\.ts$' },
    },
    {
      name: 'no-particular-source',
      severity: 'error',
      comment: 'The engine works with any source through src/sources/types.ts; only the registry names source folders.',
      from: { path: '^src/', pathNot: '^src/sources/' },
      to: { path: '^src/sources/[^/]+/' },
    },
    {
      name: 'sources-independent',
      severity: 'error',
      comment: 'A source folder does not reach into another source folder; shared code belongs in src/http/, beside types.ts or in a shared vendor folder (SHARED_SOURCE_FOLDERS).',
      from: { path: '^src/sources/([^/]+)/' },
      to: { path: '^src/sources/[^/]+/', pathNot: `^src/sources/$1/|${SHARED_SOURCE_FOLDERS}` },
    },
    {
      name: 'registry-only-in-composition-root',
      severity: 'error',
      comment: 'The config loader, generate-ini and the CLI compose the sources; everything else gets a loaded section.',
      from: { path: '^src/', pathNot: '^src/config/(loadConfig|generateIni)\\.ts$|^src/cli/' },
      to: { path: '^src/sources/registry\\.ts$' },
    },
    {
      name: 'converters-and-sandbox-below-pipeline',
      severity: 'error',
      comment: 'The pipeline calls converters and the sandbox; they share its vocabulary through src/records.ts.',
      from: { path: '^src/(converters|sandbox)/' },
      to: { path: '^src/pipeline/' },
    },
    {
      name: 'http-is-generic',
      severity: 'error',
      comment: 'The HTTP client and kit serve every source and Oomnitza, so they know none of them.',
      from: { path: '^src/http/' },
      to: { path: '^src/(sources|pipeline|server)/' },
    },
    {
      name: 'managed-fetch-below-runner',
      severity: 'error',
      comment: 'The managed fetch engine builds SaaS calls from behaviours with the kit and the template engine; it knows no source, no CLI, and not the runner that uses it.',
      from: { path: '^src/managed/fetch/' },
      to: { path: '^src/(sources|cli|pipeline|server|oomnitza)/|^src/managed/[^/]+\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve (a typo, a missing dependency) would also escape the rules above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js'],
    },
  },
};

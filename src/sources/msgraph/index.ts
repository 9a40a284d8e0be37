/**
 * Microsoft Graph, shared by every source that reads it ([azureusers], [intune_devices], [entra_devices],
 * [entra_groups]): the app registration's settings and sign-in (client secret or certificate, national clouds),
 * one client with Graph's errors, throttling and `@odata.nextLink` pages, and `$select` from the mappings.
 */
export { graphApp, graphAuth, tokenUrlOf } from './app.js';
export type { GraphApp, GraphAppSettings } from './types.js';
export { clientAssertion, loadCertificate, type AppCertificate } from './certificate.js';
export { CLOUDS, GRAPH_HOST, cloudOf, type GraphCloud } from './clouds.js';
export { GraphPermissionError, explainGraphFailure, graphErrorText, tokenFailure, type GraphExplainOptions, type GraphReadPermission } from './explain.js';
export { graphApi, nextLinksOn, segment, type GraphApi, type GraphApiOptions, type GraphPageRequest } from './graphApi.js';
export { PROPERTY_NAME, selectFor, topLevelProperty, type SelectOptions } from './select.js';
export { graphAppSettings, graphCertificateSettings, graphHostSettings, type AppSettings, type AppSettingsOptions } from './settings.js';
export { isFatalForGraph } from './fatal.js';
export { directoryQuery, isLimited } from './directory.js';
export { deltaRead, isDeltaLink, type DeltaReadOptions } from './delta.js';

/**
 * Microsoft Graph's national clouds: each Graph host with its login host and the scope app-only tokens are asked
 * for (https://learn.microsoft.com/graph/deployments). A source's `url` names the Graph host; the login host and the
 * scope follow from it, so one setting moves a section to another cloud.
 */

export const GRAPH_HOST = 'https://graph.microsoft.com';

export interface GraphCloud {
  /** Login host of the cloud's Microsoft Entra ID: {login}/{tenant}/oauth2/v2.0/token. */
  login: string;
  /** `{graph host}/.default`: every application permission consented for the app. */
  scope: string;
}

export const CLOUDS: Readonly<Record<string, GraphCloud>> = {
  'https://graph.microsoft.com': { login: 'https://login.microsoftonline.com', scope: 'https://graph.microsoft.com/.default' },
  'https://graph.microsoft.us': { login: 'https://login.microsoftonline.us', scope: 'https://graph.microsoft.us/.default' },
  'https://dod-graph.microsoft.us': { login: 'https://login.microsoftonline.us', scope: 'https://dod-graph.microsoft.us/.default' },
  'https://microsoftgraph.chinacloudapi.cn': { login: 'https://login.chinacloudapi.cn', scope: 'https://microsoftgraph.chinacloudapi.cn/.default' },
};

/** The cloud a Graph host belongs to; any other host (a proxy, a test server) fronts the global service. */
export function cloudOf(graphUrl: string): GraphCloud {
  return CLOUDS[graphUrl] ?? CLOUDS[GRAPH_HOST];
}

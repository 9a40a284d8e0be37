/** The app registration a Graph section signs in as, and the settings it is built from. */
import type { AppCertificate } from './certificate.js';

/** The settings of graphAppSettings + graphHostSettings (+ graphCertificateSettings), as create() gets them. */
export interface GraphAppSettings {
  tenant_id: string;
  client_id: string;
  url: string;
  token_url: string;
  certificate_file?: string;
  certificate_key?: string;
}

export interface GraphApp {
  section: string;
  tenant: string;
  clientId: string;
  tokenUrl: string;
  graphUrl: string;
  /** The setting that holds the client secret (`secret` or `client_secret`). */
  secretSetting: string;
  /** Set when the app signs in with a certificate instead of the secret. */
  certificate?: AppCertificate;
  /** The settings to check when the sign-in is refused for an unknown reason. */
  credentialSettings: string;
}

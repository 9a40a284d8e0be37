/**
 * An Android Management API Device as a record: the resource as the API returns it, plus `software`, the installed
 * apps of `applicationReports` in the shape every asset source uses for APPLICATIONS
 * (`{name, version, path: null}`, with the package name as `bundle_id`).
 * https://developers.google.com/android/management/reference/rest/v1/enterprises.devices#ApplicationReport
 */
import type { RawRecord } from '../types.js';

export interface ApplicationReport {
  packageName?: string;
  displayName?: string;
  versionName?: string;
  /** INSTALLED or REMOVED (a report may still list an app the user removed). */
  state?: string;
}

export interface Software {
  name: string;
  version: string | null;
  path: null;
  bundle_id: string | null;
}

/** Installed apps only; the display name, else the package name. Empty when the policy does not report apps. */
export function softwareOf(reports: unknown): Software[] {
  if (!Array.isArray(reports)) return [];
  return (reports as ApplicationReport[])
    .filter((r) => r && r.state !== 'REMOVED' && (r.displayName || r.packageName))
    .map((r) => ({ name: (r.displayName || r.packageName)!, version: r.versionName ?? null, path: null, bundle_id: r.packageName ?? null }));
}

export function toRecord(device: RawRecord): RawRecord {
  return { ...device, software: softwareOf(device.applicationReports) };
}

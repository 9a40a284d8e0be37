/**
 * One element of the check_managed reply (the cloud config object, managed fact sheet §4) merged with its
 * `[managed.N]` / `[managed_reports.N]` section (§5.3: a setting the INI gives wins), checked into what a run needs.
 * A shape the run cannot use throws an Error saying which key; the runner reports it (the original drops it silently).
 */
import type { FieldMappings } from '../records.js';
import { usesAwsIam } from './fetch/awsIam.js';
import type { ManagedFetchModule, ManagedIntegrationDefinition, SaasAuthorization } from './fetch/types.js';
import { isPlainObject, parseCloudOomnitzaAuthorization, parseLocalInputs, type ManagedSection, type OomnitzaAuthorization } from './settings.js';
import { cloudTruthy, strtobool } from './values.js';

export interface ReportsPlan {
  folderPath: string;
  overwrite: boolean;
  dataSources: Array<{ type: string; id: string }>;
}

export interface RunPlan {
  id: string | number;
  name: string;
  /** `managed.12 "Okta users"`: how logs and the summary name the run. */
  label: string;
  dataType: string;
  definition: ManagedIntegrationDefinition;
  insertOnly: boolean;
  updateOnly: boolean;
  syncField: string[];
  testRun: boolean;
  isCustom: boolean;
  /** Undefined for export-file integrations. */
  saasAuthorization?: SaasAuthorization;
  oomnitzaAuthorization: OomnitzaAuthorization;
  localInputs: Record<string, unknown>;
  /** The raw value of the first input whose type is "multi_str" (§11.1), else null. */
  multiStrInputValue: unknown;
  softwareEnabled: boolean;
  saasEnabled: boolean;
  /** Local `mapping.FIELD` overrides (INI, then the cloud object's own `mapping.*` keys under them). */
  localMappings: FieldMappings;
  section?: ManagedSection;
  reports?: ReportsPlan;
  /** §14: the built-in connector this run delegates to (`basic_connector`), read by src/managed/basicConnector.ts. */
  basicConnector?: string;
  /** §11.2 "single mode": one record per upload (the AWS IAM path, §9.1). */
  singleMode?: boolean;
}

/** Validates the parts of an element that identify it; used before anything else so errors can name the run. */
export function identify(cloud: unknown): { id: string | number; name: string; reports: boolean } {
  if (!isPlainObject(cloud)) throw new Error(`an integration must be a JSON object, not ${JSON.stringify(cloud)}`);
  const id = cloud.id;
  if (!((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.trim() !== ''))) {
    throw new Error(`an integration without a usable "id" (${JSON.stringify(id) ?? 'missing'})`);
  }
  const name = typeof cloud.name === 'string' && cloud.name ? cloud.name : `integration ${String(id)}`;
  return { id, name, reports: cloudTruthy(cloud.reports_service) || Boolean(cloud.reports_service) };
}

export function planRun(cloud: Record<string, unknown>, section: ManagedSection | undefined, fetch: Pick<ManagedFetchModule, 'parseSaasAuthorization'>): RunPlan {
  const { id, name, reports } = identify(cloud);
  const need = (key: string) => {
    if (!(key in cloud)) throw new Error(`the integration has no "${key}"`);
    return cloud[key];
  };
  if (typeof cloud.name !== 'string' || !cloud.name) throw new Error('the integration has no "name"');
  const type = need('type');
  if (typeof type !== 'string' || !type) throw new Error(`"type" must be the record type (e.g. "users"), not ${JSON.stringify(type)}`);
  const insertOnly = section?.insertOnly ?? strtobool(need('insert_only'), 'insert_only');
  const updateOnly = section?.updateOnly ?? strtobool(need('update_only'), 'update_only');
  if (insertOnly && updateOnly) throw new Error('insert_only and update_only cannot both be true');

  let syncField: string[] = [];
  if (section?.syncField) syncField = section.syncField;
  else if (typeof cloud.sync_field === 'string') syncField = cloud.sync_field.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(cloud.sync_field)) syncField = cloud.sync_field.filter((s): s is string => typeof s === 'string' && s !== '');
  else if (cloud.sync_field !== undefined && cloud.sync_field !== null) throw new Error('"sync_field" must be a comma-separated string');

  const inputs = cloud.inputs === undefined || cloud.inputs === null ? {} : cloud.inputs;
  if (!isPlainObject(inputs)) throw new Error('"inputs" must be an object of {"value": ...} entries');
  let multiStrInputValue: unknown = null;
  for (const input of Object.values(inputs)) {
    if (isPlainObject(input) && input.type === 'multi_str') {
      multiStrInputValue = input.value ?? null;
      break;
    }
  }

  const behaviour = (key: string) => {
    const v = cloud[key];
    if (v === undefined || v === null || (isPlainObject(v) && Object.keys(v).length === 0)) return undefined;
    if (!isPlainObject(v)) throw new Error(`"${key}" must be an object`);
    return v;
  };
  const definition: ManagedIntegrationDefinition = {
    id,
    name: cloud.name,
    inputs,
    list_behavior: behaviour('list_behavior'),
    pre_list_behavior: behaviour('pre_list_behavior'),
    exploratory_list_behavior: behaviour('exploratory_list_behavior'),
    detail_behavior: behaviour('detail_behavior'),
    software_behavior: behaviour('software_behavior'),
    saas_behavior: behaviour('saas_behavior'),
  };
  const software = definition.software_behavior;
  const saas = definition.saas_behavior;

  const basic = cloud.basic_connector;
  if (!reports && basic !== undefined && basic !== null && basic !== '' && typeof basic !== 'string') {
    throw new Error(`"basic_connector" must be the name of a built-in connector (e.g. "vcenter"), not ${JSON.stringify(basic)}`);
  }

  let saasAuthorization: SaasAuthorization | undefined;
  if (!reports) {
    if (section?.saasAuthorization) saasAuthorization = section.saasAuthorization;
    else {
      const cloudAuth = cloud.saas_authorization;
      if (cloudAuth === undefined || cloudAuth === null || cloudAuth === '') {
        throw new Error(`no saas_authorization: set it in [managed.${String(id)}] of config.ini (e.g. {"headers": {"Authorization": "..."}})`);
      }
      saasAuthorization = fetch.parseSaasAuthorization(cloudAuth);
    }
    if (!definition.list_behavior && !definition.exploratory_list_behavior && !definition.pre_list_behavior) {
      throw new Error('the integration has no "list_behavior"');
    }
  }

  const localMappings: FieldMappings = Object.create(null);
  for (const [key, value] of Object.entries(cloud)) {
    if (!key.startsWith('mapping.')) continue;
    const field = key.slice('mapping.'.length).toUpperCase();
    if (typeof value === 'string') localMappings[field] = { source: value };
    else if (isPlainObject(value)) localMappings[field] = value as FieldMappings[string];
  }
  Object.assign(localMappings, section?.iniMappings ?? {});

  const plan: RunPlan = {
    id,
    name: cloud.name,
    label: `${reports ? 'managed_reports' : 'managed'}.${String(id)} "${cloud.name}"`,
    dataType: type,
    definition,
    insertOnly,
    updateOnly,
    syncField,
    testRun: section?.testRun ?? cloudTruthy(cloud.test_run),
    isCustom: section?.isCustom ?? cloudTruthy(cloud.is_custom),
    saasAuthorization,
    oomnitzaAuthorization: section?.oomnitzaAuthorization ?? parseCloudOomnitzaAuthorization(cloud.oomnitza_authorization),
    localInputs: section?.localInputs ?? parseLocalInputs(cloud.local_inputs ?? {}),
    multiStrInputValue,
    softwareEnabled: Boolean(software && cloudTruthy(software.enabled)) || software?.enabled === true,
    saasEnabled: Boolean(saas && saas.enabled && saas.sync_key),
    localMappings,
    section,
  };
  if (reports) plan.reports = reportsPlan(cloud, id);
  else if (usesAwsIam(definition)) plan.singleMode = true;
  else if (typeof basic === 'string' && basic) plan.basicConnector = basic;
  return plan;
}

function reportsPlan(cloud: Record<string, unknown>, id: string | number): ReportsPlan {
  const folder = cloud.folder_path;
  if (typeof folder !== 'string' || folder.trim() === '') throw new Error('an export-file integration needs "folder_path" (from the cloud)');
  let dataSources: ReportsPlan['dataSources'] = [{ type: 'reports_connectors', id: String(id) }];
  if (cloud.data_sources !== undefined && cloud.data_sources !== null) {
    if (!Array.isArray(cloud.data_sources)) throw new Error('"data_sources" must be a list of {"type", "id"}');
    dataSources = cloud.data_sources.map((s) => {
      if (!isPlainObject(s) || typeof s.type !== 'string' || s.id === undefined || s.id === null) throw new Error(`a data source must be {"type": str, "id": ...}, not ${JSON.stringify(s)}`);
      return { type: s.type, id: String(s.id) };
    });
  }
  return { folderPath: folder, overwrite: cloudTruthy(cloud.overwrite_reports), dataSources };
}

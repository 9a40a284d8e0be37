/**
 * The contract between the managed-mode runner (src/managed/*.ts: polling, settings, pushing) and the fetch
 * engine (src/managed/fetch/: behaviours, templates, SaaS calls). Protocol facts:
 * ../shared/reference/oomnitza-managed.md §6–§9 and §12. The runner never builds a SaaS request; the fetch engine
 * never talks to Oomnitza except through the callbacks given here.
 */
import type { AwsScope, HttpClient } from '../../http/index.js';
import type { TemplateEngine } from '../template/types.js';

/** A behaviour as the cloud sends it (§6): templates inside, validated by the fetch engine when it is used. */
export type Behaviour = Record<string, unknown>;

/** The parts of one cloud config object (§4) the fetch engine reads. */
export interface ManagedIntegrationDefinition {
  id: string | number;
  name: string;
  inputs: Record<string, unknown>;
  list_behavior?: Behaviour;
  pre_list_behavior?: Behaviour;
  exploratory_list_behavior?: Behaviour;
  detail_behavior?: Behaviour;
  software_behavior?: Record<string, unknown>;
  saas_behavior?: Record<string, unknown>;
}

/** `saas_authorization` after parseSaasAuthorization() (§8.2). */
export type SaasAuthorization =
  | { kind: 'static'; headers: Record<string, string>; params: Record<string, string> }
  | { kind: 'session'; behavior: Behaviour }
  | { kind: 'credential'; credentialId: string };

/** What O12 is told about one SaaS call (2.3.3, §8.2 item 1): the fully built request, headers before auth, body or "". */
export interface CredentialCall {
  url: string;
  http_method: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** O12's answer: merged into that one call (headers as secrets, params added to the query). */
export interface CredentialSecret {
  headers: Record<string, string>;
  params: Record<string, string>;
}

export interface FetchInput {
  integration: ManagedIntegrationDefinition;
  saasAuthorization: SaasAuthorization;
  /** `local_inputs` from config.ini, already parsed: overrides cloud inputs key by key (§8.1). */
  localInputs: Record<string, unknown>;
  engine: TemplateEngine;
  /** The run's client for SaaS calls: TLS/proxy/retries/timeouts of the [managed.N] section. No baseUrl. */
  http: HttpClient;
  /** O10, fetched lazily once per run on first use of GlobalSetting (§7.7): [{name, value}] as the cloud sends. */
  globalSettings(): Promise<Array<{ name: string; value: unknown }>>;
  /** O6: true when the cloud canceled this run's portion. A throw counts as a failure of the page it guards. */
  isCanceled(): Promise<boolean>;
  /**
   * O12 (`saas_authorization = {"credential_id": ...}`): asked before every SaaS call of the run, with the run's
   * sync token. A throw counts as a failure of the call it was for. Absent: credential_id runs fail their first call.
   */
  credentialSecret?(call: CredentialCall): Promise<CredentialSecret>;
  /** The AWS IAM path (awsIam.ts): where its IAM/STS calls go, how assumed-role calls are signed. Defaults: AWS. */
  aws?: AwsIamOptions;
  /** Detail/software calls in flight at once (the original: 1). */
  concurrency: number;
  /** Test runs (§11.7): stop after the first batch, truncated to 10 items. */
  testRun: boolean;
  /** MAX_ITERATIONS (§9.2): 1000 unless a test lowers it. */
  maxIterations?: number;
  signal?: AbortSignal;
}

/** Where the AWS IAM path sends its calls and how it signs with assumed-role credentials (tests point these at fakes). */
export interface AwsIamOptions {
  /** Default https://iam.amazonaws.com */
  iamUrl?: string;
  /** Default https://sts.amazonaws.com */
  stsUrl?: string;
  /** The signing service and region of a call made with assumed-role credentials; default: from its host. */
  scopeOf?(url: URL): AwsScope | undefined;
  /** Clock of the local signatures (ms since the epoch). */
  now?(): number;
}

/** One fetched item: the record to map (after detail/software/saas, §9.5–9.7), or the raw list item and why it failed. */
export type FetchedItem = { record: unknown } | { raw: unknown; error: string };

/**
 * What fetchIntegration() yields, in order. Batches are ≤ 100 items (§9.3), in list order, each complete (all its
 * detail calls done). The last event is always exactly one `end` or `failed`.
 * - end 'done': normal end (empty later page, break_early); 'canceled': O6 said canceled;
 *   'empty-first-page': the outermost level's first page had no results (§11.4).
 * - failed 'first-page' | 'later-page' | 'max-iterations': message is the §11.3 text; `detail` the error chain
 *   (the original sends a Python traceback; we send the chain of messages, never a secret).
 */
export type FetchEvent =
  | { kind: 'batch'; items: FetchedItem[] }
  | { kind: 'end'; outcome: 'done' | 'canceled' | 'empty-first-page' }
  | { kind: 'failed'; stage: 'first-page' | 'later-page' | 'max-iterations'; message: string; detail: string };

/** What listAuthorization() gives a basic_connector run (§14). */
export interface ListAuthorization {
  /** `inputs` of the rendering context: cloud inputs rendered as strings, local inputs over them (JSON types kept). */
  inputs: Record<string, unknown>;
  /** The SaaS auth computed for list_behavior: the original hands only the headers on (`authorization_settings`). */
  headers: Record<string, string>;
  params: Record<string, string>;
}

/** Functions src/managed/fetch/index.ts exports (the runner imports only these and the types above). */
export interface ManagedFetchModule {
  /** §9: exploratory → pre-list → list, with detail/software/saas per item. */
  fetchIntegration(input: FetchInput): AsyncIterable<FetchEvent>;
  /** §8.2: object or JSON string → SaasAuthorization; throws Error('SaaS authorization format is invalid: ...'). */
  parseSaasAuthorization(value: unknown): SaasAuthorization;
  /** §11.8: is_custom + test run: the one list request, its JSON body (or undefined when not JSON). */
  fetchTestResponse(input: FetchInput): Promise<unknown>;
  /** §14 basic_connector: the inputs and the SaaS auth computed for list_behavior (a session login, O12, or static). */
  listAuthorization(input: FetchInput): Promise<ListAuthorization>;
}

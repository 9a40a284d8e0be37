/**
 * `default_role` and `default_position` of every user source (the original's UserConnector): sent as
 * PERMISSIONS_ID and POSITION when no mapping sets them (src/pipeline/effectiveMappings.ts). Most of the
 * original's user sources declare them with an example only, which makes them required there; csv_users
 * gives defaults. Pass `required: true` to keep a source's original contract.
 */
import { setting } from '../config/settings.js';

export function userDefaultsSettings(opts: { required?: boolean } = {}) {
  return {
    default_role: setting.string({
      required: opts.required,
      default: opts.required ? undefined : '25',
      example: opts.required ? '25' : undefined,
      description: 'Numeric id of the Oomnitza role given to imported users (sent as PERMISSIONS_ID unless mapped).',
    }),
    default_position: setting.string({
      required: opts.required,
      default: opts.required ? undefined : 'Employee',
      example: opts.required ? 'Employee' : undefined,
      description: 'Position given to imported users (sent as POSITION unless mapped).',
    }),
  };
}

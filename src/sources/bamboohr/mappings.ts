/**
 * The original's default mappings for BambooHR (its FieldMappings; README "BambooHR Configuration"). POSITION comes
 * from the employee's jobTitle, so default_position is used only when an INI line maps POSITION to it
 * (`mapping.POSITION = {"setting": "default_position"}`).
 */
import type { FieldMappings } from '../../records.js';

export const BAMBOOHR_DEFAULT_MAPPINGS: Readonly<FieldMappings> = {
  USER: { source: 'workEmail' },
  FIRST_NAME: { source: 'firstName' },
  LAST_NAME: { source: 'lastName' },
  EMAIL: { source: 'workEmail' },
  PHONE: { source: 'mobilePhone' },
  POSITION: { source: 'jobTitle' },
  PERMISSIONS_ID: { setting: 'default_role' },
};

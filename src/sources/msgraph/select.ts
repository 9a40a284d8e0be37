/**
 * `$select` from the mappings in effect. Graph returns many properties only when they are asked for by name
 * (users' jobTitle, managed devices' hardware details, ...), and asking for fewer costs less, so every Graph source
 * names what its mappings read: https://learn.microsoft.com/graph/query-parameters#select-parameter
 */

/** What Graph accepts as a property name: letters, digits, underscores (directory extensions: extension_<app>_<name>). */
export const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface SelectOptions {
  /** Always asked for (the id, what the record needs), in this order. */
  base: readonly string[];
  /** Source paths of the mappings (ReadRequest.fields). */
  fields: readonly string[];
  /** The Graph property a mapping path reads, or undefined when it reads none (a key the source adds). */
  property(field: string): string | undefined;
}

/** The `$select` list: `base`, then each property a mapping reads, once each. */
export function selectFor(o: SelectOptions): string[] {
  const wanted = new Set(o.base);
  for (const field of o.fields) {
    const property = o.property(field);
    if (property !== undefined) wanted.add(property);
  }
  return [...wanted];
}

/**
 * For records that are Graph objects as they came: the top-level key a mapping path reads is the property
 * (`hardwareInformation.batteryHealthPercentage` -> `hardwareInformation`), unless the source adds that key itself.
 */
export function topLevelProperty(own: readonly string[]): (field: string) => string | undefined {
  const added = new Set(own);
  return (field) => {
    const top = field.split('.')[0];
    return PROPERTY_NAME.test(top) && !added.has(top) ? top : undefined;
  };
}

/**
 * XML bodies in the shape Python's xmltodict gives, which is the shape of the original's records for XML APIs
 * (Jamf Classic API in XML, Jasper SOAP, ...): mappings written for the original keep working.
 * - attributes are keys prefixed with `@`, text beside attributes or children is `#text`;
 * - an element that occurs once is an object (or its text), repeated elements are an array;
 * - an empty element is null; values stay strings (xmltodict does not guess types); namespaces prefixes are kept.
 * https://github.com/martinblech/xmltodict
 */
import { createRequire } from 'node:module';
import type { XMLParser, XMLValidator } from 'fast-xml-parser';

/** xmltodict's shape (attributes `@name`, text `#text`, values as text), shared by every XML reader of the kit. */
export const XML_PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Entity expansion is the classic XML bomb; fast-xml-parser expands only the predefined and numeric entities.
  htmlEntities: false,
} as const;

/**
 * fast-xml-parser is loaded on the first XML body (its one-file CommonJS build), not with the HTTP client: most runs
 * never parse XML, and its ESM build is ~25 modules and ~60 ms of start-up (bench/startup.ts).
 */
let xml: { parser: XMLParser; validator: typeof XMLValidator } | undefined;
function loadParser(): NonNullable<typeof xml> {
  if (!xml) {
    const lib = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    xml = { parser: new lib.XMLParser(XML_PARSER_OPTIONS), validator: lib.XMLValidator };
  }
  return xml;
}

/** Parses an XML document; throws on malformed XML. */
export function parseXml(text: string): unknown {
  const { parser, validator } = loadParser();
  const valid = validator.validate(text);
  if (valid !== true) throw new Error(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  return emptyToNull(parser.parse(text));
}

/** fast-xml-parser gives '' for <a/> and <a></a>; xmltodict gives None. */
function emptyToNull(value: unknown): unknown {
  if (value === '') return null;
  if (Array.isArray(value)) return value.map(emptyToNull);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k.startsWith('@') ? v : emptyToNull(v);
    return out;
  }
  return value;
}

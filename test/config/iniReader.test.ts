import { parseIni } from '../../src/config/iniReader.js';
import { ConfigErrors, ConfigError } from '../../src/errors.js';

const value = (text: string, section: string, key: string) => parseIni(text).sections.get(section)?.entries.get(key)?.value;

describe('INI dialect of the original connector', () => {
  test.each([
    ['key = value', 'value'],
    ['key: value', 'value'],
    ['key=value', 'value'],
    ['key = a=b:c', 'a=b:c'],
    ['key = ""', ''],
    ['key =', ''],
    ['key = 100%', '100%'],
    ['key = pass;word', 'pass;word'],
    ['key = value ; comment', 'value'],
    ['key = a#b # not a comment', 'a#b # not a comment'],
  ])('%s -> %j', (line, expected) => {
    expect(value(`[s]\n${line}\n`, 's', 'key')).toBe(expected);
  });

  test('keys are case-insensitive, sections are not', () => {
    const doc = parseIni('[LDAP.Contractors]\nBase_DN = dc=x\n');
    expect(doc.sections.get('LDAP.Contractors')?.entries.get('base_dn')?.value).toBe('dc=x');
  });

  test('comments and rem lines are skipped', () => {
    const doc = parseIni('# c1\n; c2\nrem c3\n[s]\n# inside\na = 1\n');
    expect([...doc.sections.get('s')!.entries.keys()]).toEqual(['a']);
  });

  test('indented lines continue a value; common indentation is removed; line numbers kept', () => {
    const text = '[converters]\nmy_conv:\n    if (!value) {\n      return null;\n    }\n    return value;\nother = 1\n';
    const entry = parseIni(text).sections.get('converters')!.entries.get('my_conv')!;
    expect(entry.value).toBe('if (!value) {\n  return null;\n}\nreturn value;');
    expect(entry.line).toBe(2);
    expect(entry.valueLine).toBe(3);
    expect(parseIni(text).sections.get('converters')!.entries.get('other')!.value).toBe('1');
  });

  test('a value on the key line keeps its continuation', () => {
    expect(value('[s]\nrecordfilter: return\n   true\n', 's', 'recordfilter')).toBe('return\ntrue');
  });

  test('a UTF-8 BOM and CRLF line endings are accepted', () => {
    expect(value('\uFEFF[oomnitza]\r\nurl = https://x\r\n', 'oomnitza', 'url')).toBe('https://x');
  });

  test('a repeated section or key is an error naming both lines, as strict ConfigParser (never "last one wins")', () => {
    const messages = (text: string) => {
      try {
        parseIni(text, 'my.ini');
      } catch (err) {
        return (err as ConfigErrors).errors.map((e) => e.message);
      }
      return [];
    };
    expect(messages('[s]\na = 1\n[t]\n[s]\na = 2\n')).toEqual(['my.ini:4: [s]: section [s] appears twice (first at line 1); merge the two']);
    expect(messages('[s]\na = 1\nb = 2\nA = 3\n')).toEqual(['my.ini:4: [s] a: a is set twice in this section (first at line 2); keep one']);
    // The same key in two sections, and a key continued over several lines, are fine.
    expect(messages('[s]\na = 1\n[t]\na = 2\nb:\n  a = 3\n')).toEqual([]);
  });

  test('every unreadable line is reported with its line number', () => {
    let error: unknown;
    try {
      parseIni('orphan = 1\n[s]\nno separator here\n', 'my.ini');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigErrors);
    const messages = (error as ConfigErrors).errors.map((e: ConfigError) => e.message);
    expect(messages[0]).toMatch(/^my\.ini:1: a setting before any \[section\]/);
    expect(messages[1]).toMatch(/^my\.ini:3: \[s\]: cannot read this line/);
  });
});

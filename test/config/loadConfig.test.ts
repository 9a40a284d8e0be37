/**
 * Every ConfigError path of loading a config, each with the file:line, section and setting it names, and the
 * defaults. A mistake that can be found at load time is found there (exit 2), never when connecting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ConfigError, ConfigErrors } from '../../src/errors.js';
import { tempDir } from '../helpers/runCli.js';

/** A folder with the files the settings below point at. */
const files = { 'assets.csv': 'serial\nS1\n', 'ca.pem': 'not checked here\n', 'certs/a.pem': '', 'exports/a.csv': 'serial\n' };

async function load(text: string, sections: string[] = ['csv_assets']) {
  const dir = tempDir({ ...files, 'config.ini': text });
  const file = path.join(dir, 'config.ini');
  return { dir, file, config: await loadConfig(file, { sections, requireEnabled: true }) };
}

/** The messages of the ConfigErrors thrown, without the file's folder. */
async function loadErrors(text: string, sections: string[] = ['csv_assets']): Promise<string[]> {
  const dir = tempDir({ ...files, 'config.ini': text });
  try {
    await loadConfig(path.join(dir, 'config.ini'), { sections, requireEnabled: true });
  } catch (err) {
    const errors = err instanceof ConfigErrors ? err.errors : err instanceof ConfigError ? [err] : [];
    if (!errors.length) throw err;
    return errors.map((e) => e.message.replace(path.join(dir, 'config.ini'), 'config.ini').split(dir).join('<dir>'));
  }
  throw new Error('expected the config to be refused');
}

const OOMNITZA = '[oomnitza]\nurl = https://example.oomnitza.com\napi_token = t0ken-123456\n';
/** Lines 1-3 [oomnitza], 4 [csv_assets], 5-7 its settings; `lines` start at line 8. */
const csvSection = (lines: string) => `${OOMNITZA}[csv_assets]\nenable = True\nfilename = assets.csv\nmapping.SERIAL_NUMBER = serial\n${lines}`;
/** [oomnitza] with its token on line 2; `lines` start at line 3. */
const oomnitzaSection = (lines: string) => `[oomnitza]\napi_token = t0ken-123456\n${lines}\n[csv_assets]\nenable = True\nfilename = assets.csv\nmapping.SERIAL_NUMBER = serial\n`;

describe('a valid config', () => {
  test('loads with defaults applied, paths resolved against the INI folder', async () => {
    const { dir, config } = await load(csvSection('cacert_file = ca.pem\ncacert_dir = certs\n'));
    expect(config.oomnitza).toMatchObject({ url: 'https://example.oomnitza.com', verify_ssl: true, ssl_protocol: '', vault_backend: 'keyring' });
    const [section] = config.sections;
    expect(section.common).toMatchObject({
      enable: true,
      batch_size: 100,
      verify_ssl: true,
      use_server_map: true,
      insert_only: false,
      update_only: false,
      cacert_file: path.join(dir, 'ca.pem'),
      cacert_dir: path.join(dir, 'certs'),
      vault_kv_version: '',
      vault_verify_ssl: true,
      vault_credentials_backend: 'keyring',
    });
    expect(section.settings).toMatchObject({ filename: path.join(dir, 'assets.csv'), directory: '' });
    // What a {"setting": ...} mapping sends stays the text the admin wrote.
    expect(section.settingText.filename).toBe('assets.csv');
    expect(section.iniMappings).toEqual({ SERIAL_NUMBER: { source: 'serial' } });
  });

  test('a trailing slash of [oomnitza] url is dropped; an absolute path and ~/ are accepted', async () => {
    const { dir } = await load(csvSection(''));
    const { config } = await load(
      `[oomnitza]\nurl = https://example.oomnitza.com/\napi_token = t0ken-123456\n[csv_assets]\nenable = True\nfilename = ${path.join(dir, 'assets.csv')}\nmapping.A = a\n`,
    );
    expect(config.oomnitza.url).toBe('https://example.oomnitza.com');
    expect(config.sections[0].settings.filename).toBe(path.join(dir, 'assets.csv'));
  });
});

describe('every config mistake is an error naming file:line, section and setting', () => {
  test.each([
    // [oomnitza] url: refused at load (exit 2), not "unreachable" (exit 1) when connecting.
    ['url without a scheme', oomnitzaSection('url = 127.0.0.1:8080'), 'config.ini:3: [oomnitza] url: "127.0.0.1:8080" is not a URL: it has no scheme (expected e.g. https://host.example.com)'],
    ['url that is no URL', oomnitzaSection('url = not a url'), 'config.ini:3: [oomnitza] url: "not a url" is not a URL: it has no scheme (expected e.g. https://host.example.com)'],
    ['ftp url', oomnitzaSection('url = ftp://example.oomnitza.com'), 'config.ini:3: [oomnitza] url: "ftp://example.oomnitza.com" must start with https:// or http://'],
    ['url with a query', oomnitzaSection('url = https://example.oomnitza.com/?x=1'), 'config.ini:3: [oomnitza] url: "https://example.oomnitza.com/?x=1" must not contain ? or #'],
    ['missing url', oomnitzaSection(''), 'config.ini:1: [oomnitza] url: missing required setting (URL of your Oomnitza instance)'],
    ['missing user_pem_file', oomnitzaSection('url = https://x.example.com\nuser_pem_file = me.pem'), 'config.ini:4: [oomnitza] user_pem_file: "me.pem" (<dir>/me.pem) does not exist'],
    ['missing [oomnitza] cacert_file', oomnitzaSection('url = https://x.example.com\ncacert_file = /nonexistent/ca.pem'), 'config.ini:4: [oomnitza] cacert_file: "/nonexistent/ca.pem" does not exist'],
    ['sslv3', oomnitzaSection('url = https://x.example.com\nssl_protocol = sslv3'), 'config.ini:4: [oomnitza] ssl_protocol: sslv3 is not supported'],
    ['unknown ssl_protocol', oomnitzaSection('url = https://x.example.com\nssl_protocol = tls9'), 'config.ini:4: [oomnitza] ssl_protocol: "tls9" is not one of: , ssl, sslv23'],
    ['no credentials', '[oomnitza]\nurl = https://x.example.com\n[csv_assets]\nenable = True\nfilename = assets.csv\nmapping.A = a\n', 'config.ini:1: [oomnitza] api_token: set api_token, or username and password'],
    // Paths that must exist, relative to the INI's folder.
    ['missing cacert_file', csvSection('cacert_file = nope.pem'), 'config.ini:8: [csv_assets] cacert_file: "nope.pem" (<dir>/nope.pem) does not exist'],
    ['cacert_file that is a folder', csvSection('cacert_file = certs'), 'config.ini:8: [csv_assets] cacert_file: "certs" (<dir>/certs) is a folder; a file is expected'],
    ['missing cacert_dir', csvSection('cacert_dir = nope'), 'config.ini:8: [csv_assets] cacert_dir: "nope" (<dir>/nope) does not exist'],
    ['cacert_dir that is a file', csvSection('cacert_dir = ca.pem'), 'config.ini:8: [csv_assets] cacert_dir: "ca.pem" (<dir>/ca.pem) is a file; a folder is expected'],
    ['missing vault_cacert_file', csvSection('vault_cacert_file = v.pem'), 'config.ini:8: [csv_assets] vault_cacert_file: "v.pem" (<dir>/v.pem) does not exist'],
    ['missing secrets_file', csvSection('secrets_file = secrets.enc'), 'config.ini:8: [csv_assets] secrets_file: "secrets.enc" (<dir>/secrets.enc) does not exist'],
    ['missing CSV filename', `${OOMNITZA}[csv_assets]\nenable = True\nfilename = nope.csv\nmapping.A = a\n`, 'config.ini:6: [csv_assets] filename: "nope.csv" (<dir>/nope.csv) does not exist'],
    ['missing CSV directory', `${OOMNITZA}[csv_assets]\nenable = True\ndirectory = nope\nmapping.A = a\n`, 'config.ini:6: [csv_assets] directory: "nope" (<dir>/nope) does not exist'],
    ['CSV directory that is a file', `${OOMNITZA}[csv_assets]\nenable = True\ndirectory = assets.csv\nmapping.A = a\n`, 'config.ini:6: [csv_assets] directory: "assets.csv" (<dir>/assets.csv) is a file; a folder is expected'],
    // Whole numbers have bounds, choices and booleans are theirs.
    ['batch_size 0', csvSection('batch_size = 0'), 'config.ini:8: [csv_assets] batch_size: 0 is below the minimum 1'],
    ['batch_size too big', csvSection('batch_size = 1000000'), 'config.ini:8: [csv_assets] batch_size: 1000000 is above the maximum 10000'],
    ['batch_size not a number', csvSection('batch_size = 1e3'), 'config.ini:8: [csv_assets] batch_size: "1e3" is not a whole number'],
    ['batch_size with a fraction', csvSection('batch_size = 2.5'), 'config.ini:8: [csv_assets] batch_size: "2.5" is not a whole number'],
    ['a bool that is none', csvSection('verify_ssl = maybe'), 'config.ini:8: [csv_assets] verify_ssl: "maybe" is not a boolean'],
    ['vault_backend', csvSection('vault_backend = safe'), 'config.ini:8: [csv_assets] vault_backend: "safe" is not one of: keyring, vault, cyberark, env, file'],
    ['vault_kv_version', csvSection('vault_kv_version = 3'), 'config.ini:8: [csv_assets] vault_kv_version: "3" is not one of: , 1, 2'],
    ['vault_verify_ssl', csvSection('vault_verify_ssl = sometimes'), 'config.ini:8: [csv_assets] vault_verify_ssl: "sometimes" is not a boolean'],
    ['vault_credentials_backend', csvSection('vault_credentials_backend = vault'), 'config.ini:8: [csv_assets] vault_credentials_backend: "vault" is not one of: keyring, env, file'],
    ['insert_only with update_only', csvSection('insert_only = True\nupdate_only = True'), 'config.ini:9: [csv_assets] update_only: insert_only and update_only cannot both be True'],
    ['not enabled', `${OOMNITZA}[csv_assets]\nenable = False\nfilename = assets.csv\nmapping.A = a\n`, 'config.ini:5: [csv_assets] enable: section is not enabled'],
    // mapping. lines.
    ['mapping. with no field', csvSection('mapping. = serial'), 'config.ini:8: [csv_assets] mapping.: "mapping." does not name one Oomnitza field'],
    ['mapping.= with no field', csvSection('mapping.=serial'), 'config.ini:8: [csv_assets] mapping.: "mapping." does not name one Oomnitza field'],
    ['mapping with two dots', csvSection('mapping.A.B = serial'), 'config.ini:8: [csv_assets] mapping.a.b: "mapping.a.b" does not name one Oomnitza field'],
    ['mapping field with a space', csvSection('mapping.SERIAL NUMBER = serial'), 'config.ini:8: [csv_assets] mapping.serial number: "mapping.serial number" does not name one Oomnitza field'],
    ['empty mapping', csvSection('mapping.NAME ='), 'config.ini:8: [csv_assets] mapping.NAME: empty mapping'],
    ['malformed mapping JSON', csvSection("mapping.NAME = {'source': 'x'}"), 'config.ini:8: [csv_assets] mapping.NAME: malformed mapping JSON'],
    ['unknown mapping key', csvSection('mapping.NAME = {"src": "x"}'), 'config.ini:8: [csv_assets] mapping.NAME: unknown mapping key(s) "src"'],
    ['unknown converter', csvSection('mapping.NAME = {"source": "x", "converter": "nope"}'), 'config.ini:8: [csv_assets] mapping.NAME: unknown converter "nope"'],
    ['unknown setting', csvSection('mapping.NAME = {"setting": "nope"}'), 'config.ini:8: [csv_assets] mapping.NAME: "setting": "nope" is not a setting of this section'],
    ['a setting named like an Object.prototype key', csvSection('mapping.NAME = {"setting": "constructor"}'), 'config.ini:8: [csv_assets] mapping.NAME: "setting": "constructor" is not a setting of this section'],
    ['a converter whose load-time step fails', csvSection('mapping.MODEL = {"source": "m", "converter": "mac_model_from_sn:table=t.csv"}'), 'config.ini:8: [csv_assets] mapping.MODEL: cannot read the model table "<dir>/t.csv": file not found'],
    // Snippets and sections.
    ['recordfilter that does not compile', csvSection('recordfilter = return (;'), 'config.ini:8: [csv_assets] recordfilter: does not compile'],
    ['custom converter that does not compile', `${csvSection('')}[converters]\nmine = return (;\n`, 'config.ini:9: [converters] mine: does not compile'],
    ['custom converter with a built-in name', `${csvSection('')}[converters]\nsplit = return value\n`, 'config.ini:9: [converters] split: a custom converter cannot reuse the name of a built-in converter'],
    ['missing [oomnitza]', '[csv_assets]\nenable = True\nfilename = assets.csv\nmapping.A = a\n', 'config.ini: [oomnitza]: the [oomnitza] section is missing'],
    ['duplicate section', `${csvSection('')}[csv_assets]\nenable = False\n`, 'config.ini:8: [csv_assets]: section [csv_assets] appears twice (first at line 4); merge the two'],
    ['duplicate key', csvSection('filename = other.csv'), 'config.ini:8: [csv_assets] filename: filename is set twice in this section (first at line 6); keep one'],
    ['duplicate key in another case', csvSection('MAPPING.serial_number = serial'), 'config.ini:8: [csv_assets] mapping.serial_number: mapping.serial_number is set twice in this section (first at line 7); keep one'],
  ])('%s', async (_label, text, message) => {
    const messages = await loadErrors(text);
    expect(messages).toEqual([expect.stringContaining(message)]);
    expect(messages[0].startsWith(message)).toBe(true);
  });

  test.each([
    ['an http url', 'url = https://ldap.example.com', 'config.ini:5: [ldap] url: "https://ldap.example.com" must start with ldap:// or ldaps://'],
    ['no scheme', 'url = ldap.example.com:389', 'config.ini:5: [ldap] url: "ldap.example.com:389" is not a URL: it has no scheme (expected e.g. ldap://host.example.com)'],
    ['a page_size of 0', 'url = ldap://ldap.example.com\npage_size = 0', 'config.ini:6: [ldap] page_size: 0 is below the minimum 1'],
  ])('[ldap] %s', async (_label, lines, message) => {
    const text = `${OOMNITZA}[ldap]\n${lines}\nbase_dn = dc=example,dc=com\nenable = True\n`;
    expect(await loadErrors(text, ['ldap'])).toEqual([message]);
  });

  test('[ldap] url accepts ldap:// and ldaps:// (with a DN path, as the original)', async () => {
    const { config } = await load(`${OOMNITZA}[ldap]\nenable = True\nurl = ldaps://ldap.example.com:636/dc=example,dc=com\nbase_dn = dc=x\n`, ['ldap']);
    expect(config.sections[0].settings.url).toBe('ldaps://ldap.example.com:636/dc=example,dc=com');
  });

  test('[sccm] timeouts are bounded', async () => {
    const text = `${OOMNITZA}[sccm]\nenable = True\nserver = sql01\nusername = u\npassword = p\nquery_timeout = 100000\nconnect_timeout = 0\n`;
    expect(await loadErrors(text, ['sccm'])).toEqual([
      'config.ini:9: [sccm] query_timeout: 100000 is above the maximum 86400',
      'config.ini:10: [sccm] connect_timeout: 0 is below the minimum 1',
    ]);
  });

  test('all problems are reported at once', async () => {
    const messages = await loadErrors(csvSection('batch_size = 0\ncacert_file = nope.pem\nmapping. = x'));
    expect(messages.map((m) => Number(m.split(':')[1])).sort((a, b) => a - b)).toEqual([8, 9, 10]);
  });

  test('a config file that cannot be read says how to create one', async () => {
    const file = path.join(tempDir(), 'missing.ini');
    await expect(loadConfig(file, { sections: [], requireEnabled: true })).rejects.toThrow(`${file}: cannot read the config file (ENOENT); create one with "connector generate-ini --ini ${file}"`);
  });

  test('a section not in the file lists those that are', async () => {
    expect(await loadErrors(csvSection(''), ['csv_users'])).toEqual(['config.ini: [csv_users]: no such section in the config (sections: csv_assets)']);
  });

  test('a path that cannot be read is refused (when not running as root)', async () => {
    if (process.getuid?.() === 0) return; // root reads every file
    const dir = tempDir({ ...files, 'config.ini': csvSection('cacert_file = ca.pem') });
    fs.chmodSync(path.join(dir, 'ca.pem'), 0o000);
    await expect(loadConfig(path.join(dir, 'config.ini'), { sections: ['csv_assets'], requireEnabled: true })).rejects.toThrow(/cacert_file: .* cannot be read \(permission denied\)/);
  });
});

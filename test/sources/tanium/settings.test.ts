/** [tanium] settings as the config loader reads them: the original's block loads unchanged, with its defaults. */
import { loadSections } from '../../helpers/loadSection.js';

/** `[tanium]` with these lines (or a whole INI) and its source created: the section, or the problems found. */
async function load(ini: string) {
  const { sections, errors } = await loadSections(['tanium'], ini);
  return { section: sections[0], errors };
}

test('the original\'s block (its README, 2.3.3) loads unchanged, with its defaults; latest\'s session_token too', async () => {
  const { section, errors } = await load('url = https://TANIUM_SERVER\nusername = ***\npassword = ***\ndomain =\nview =');
  expect(errors).toEqual([]);
  expect(section!.settings).toEqual({ url: 'https://tanium_server', username: '***', password: '***', session_token: '', domain: '', view: '', rate_limit_max_wait: 300 });
  const token = await load('url = https://tanium.example.com/\nsession_token = token-abc123');
  expect(token.errors).toEqual([]);
  expect(token.section!.settings).toMatchObject({ url: 'https://tanium.example.com', session_token: 'token-abc123', username: '' });
});

test.each([
  ['username = jane\npassword = pw', 'config.ini:5: [tanium] url: missing required setting'],
  ['url = tanium.example.com\nsession_token = token-abc', 'config.ini:7: [tanium] url: "tanium.example.com" is not a URL: it has no scheme'],
  ['url = https://tanium.example.com\nusername = jane', 'config.ini:5: [tanium] password: set session_token (a Tanium API token), or username and password to log in'],
])('refused: %j', async (lines, message) => {
  const { errors } = await load(lines);
  expect(errors).toEqual([expect.stringContaining(message)]);
});

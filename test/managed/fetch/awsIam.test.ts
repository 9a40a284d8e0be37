/** The AWS IAM path's pure parts: which definitions take it, which policy statements give roles to assume. */
import { assumeRoleResources, usesAwsIam } from '../../../src/managed/fetch/awsIam.js';

test('the path is chosen by the raw iam_roles value, with Python truthiness', () => {
  const uses = (inputs: Record<string, unknown>) => usesAwsIam({ inputs });
  expect(uses({ iam_roles: { value: 'True' } })).toBe(true);
  expect(uses({ iam_roles: { value: 'False' } })).toBe(true); // a non-empty text is true in Python
  expect(uses({ iam_roles: { value: ['arn:aws:iam::1:role/R'] } })).toBe(true);
  expect(uses({ iam_roles: { value: '' } })).toBe(false);
  expect(uses({ iam_roles: { value: [] } })).toBe(false);
  expect(uses({ iam_roles: { value: null } })).toBe(false);
  expect(uses({ iam_roles: 'True' })).toBe(false);
  expect(uses({})).toBe(false);
});

test('policy documents: URL-encoded JSON; Statement and Resource one or a list; Action a text or a list; Deny skipped', () => {
  const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc, null, 4));
  expect([...assumeRoleResources(encode({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:a', 'arn:b'] },
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: 'arn:c' },
      { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: 'arn:d' },
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
    ],
  }), 'P')]).toEqual(['arn:a', 'arn:b', 'arn:c']);
  expect([...assumeRoleResources(encode({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:only' } }), 'P')]).toEqual(['arn:only']);
  expect([...assumeRoleResources(encode({ Version: '2012-10-17' }), 'P')]).toEqual([]);
  expect(() => [...assumeRoleResources('%7Bnot json', 'P')]).toThrow('AWS IAM: GetUserPolicy P failed: the PolicyDocument is not URL-encoded JSON');
});

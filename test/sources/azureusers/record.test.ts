/** The original's record shape (the azure-graphrbac User model as __dict__), rebuilt from a Microsoft Graph user. */
import { getPath } from '../../../src/records.js';
import { graphSelect, toOldUser, unknownFields } from '../../../src/sources/azureusers/record.js';
import { COST_CENTER, GRAPH_USER_PROPERTIES, makeGraphUser } from '../../support/fakeMicrosoftGraph.js';

test('a Graph user becomes the snake_case model plus additional_properties, old names included', () => {
  const graph = makeGraphUser(2);
  const record = toOldUser(graph);
  expect(Object.keys(record)).toEqual([
    'additional_properties', 'object_id', 'deletion_timestamp', 'object_type', 'immutable_id', 'usage_location', 'given_name',
    'surname', 'user_type', 'account_enabled', 'display_name', 'user_principal_name', 'mail_nickname', 'mail', 'sign_in_names',
  ]);
  expect(record).toMatchObject({
    object_id: graph.id,
    deletion_timestamp: null,
    object_type: 'User',
    immutable_id: graph.onPremisesImmutableId,
    usage_location: 'US',
    given_name: graph.givenName,
    surname: graph.surname,
    user_type: 'Member',
    account_enabled: true,
    display_name: graph.displayName,
    user_principal_name: graph.userPrincipalName,
    mail_nickname: graph.mailNickname,
    mail: graph.mail,
    // Only B2C local-account identities were signInNames.
    sign_in_names: [{ type: 'emailAddress', value: (graph.identities as Array<{ issuerAssignedId: string }>)[1].issuerAssignedId }],
  });
  const extra = record.additional_properties as Record<string, unknown>;
  // Every Graph property that is not one of the model's, under its Graph name...
  for (const key of Object.keys(graph).filter((k) => !['id', 'deletedDateTime', 'onPremisesImmutableId', 'usageLocation', 'givenName', 'surname', 'userType', 'accountEnabled', 'displayName', 'userPrincipalName', 'mailNickname', 'mail'].includes(k))) {
    expect(extra[key]).toEqual(graph[key]);
  }
  expect(extra).not.toHaveProperty('userPrincipalName');
  expect(extra).not.toHaveProperty('id');
  // ...and the Azure AD Graph name of every renamed one.
  expect(extra).toMatchObject({
    'odata.type': 'Microsoft.DirectoryServices.User',
    mobile: graph.mobilePhone,
    telephoneNumber: (graph.businessPhones as string[])[0],
    physicalDeliveryOfficeName: graph.officeLocation,
    facsimileTelephoneNumber: null,
    sipProxyAddress: (graph.imAddresses as string[])[0],
    dirSyncEnabled: true,
    lastDirSyncTime: graph.onPremisesLastSyncDateTime,
    provisioningErrors: [],
    userState: null,
    userStateChangedOn: null,
    refreshTokensValidFromDateTime: graph.signInSessionsValidFromDateTime,
  });
  // Old mappings resolve as they did.
  expect(getPath(record, 'additional_properties.jobTitle')).toBe(graph.jobTitle);
  expect(getPath(record, 'additional_properties.odata.type')).toBe('Microsoft.DirectoryServices.User');
  expect(getPath(record, 'sign_in_names.0.value')).toBe(`${String(graph.mailNickname)}@example.org`);
});

test('a user without the optional properties: nulls in the model, no phone, no sign-in names', () => {
  const record = toOldUser({ id: 'u1', userPrincipalName: 'a@b.c', businessPhones: [] });
  expect(record).toMatchObject({ object_id: 'u1', given_name: null, mail: null, account_enabled: null, sign_in_names: [] });
  expect(record.additional_properties).toEqual({ 'odata.type': 'Microsoft.DirectoryServices.User', businessPhones: [], telephoneNumber: null });
});

test('$select: the old record plus what mappings of additional_properties name, by their Graph names', () => {
  const base = graphSelect([]);
  // Every property asked for by default exists on the v1.0 user (the fake lists them independently).
  expect(base.filter((p) => !GRAPH_USER_PROPERTIES.includes(p))).toEqual([]);
  expect(base).toEqual(expect.arrayContaining(['id', 'userPrincipalName', 'identities', 'mobilePhone', 'businessPhones', 'jobTitle', 'onPremisesSyncEnabled']));
  const mapped = graphSelect(['user_principal_name', `additional_properties.${COST_CENTER}`, 'additional_properties.mobile', 'additional_properties.employeeOrgData.costCenter', 'additional_properties.odata.type', 'additional_properties.bad name']);
  expect(mapped.filter((p) => !base.includes(p))).toEqual([COST_CENTER, 'employeeOrgData']);
  expect(unknownFields(['user_principal_name', 'additional_properties.x', 'sign_in_names.0.value', 'jobTitle', 'userPrincipalName'])).toEqual(['jobTitle', 'userPrincipalName']);
});

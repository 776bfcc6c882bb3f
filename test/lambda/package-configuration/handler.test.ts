/** The package-configuration resource's create, update and delete, through the handler's entry point, against mocked IoT. */
import {
  GetPackageConfigurationCommand,
  UpdatePackageConfigurationCommand,
  VersionUpdateByJobsConfig,
} from '@aws-sdk/client-iot';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handler } from '../../../lambda';
import { PACKAGE_CONFIGURATION_PHYSICAL_ID, PACKAGE_CONFIGURATION_RESOURCE_TYPE } from '../../../src/shared/package-configuration-contract';
import { createEvent, deleteEvent, Props, updateEvent } from '../events';
import { accessDenied, cfnMock, inputsOf, invalid, iotMock, notices, rejectionOf, remaining, stubStackStatus, useMocks } from '../mocks';

useMocks();

const ROLE = 'arn:aws:iam::123456789012:role/FirmwareStack-PackageShadowRole';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/aws-iot-role-update-shadows-console';
const NEW_ROLE = 'arn:aws:iam::123456789012:role/FirmwareStack-NewShadowRole';

function typed<T extends CloudFormationCustomResourceEvent>(event: T): T {
  return { ...event, ResourceType: PACKAGE_CONFIGURATION_RESOURCE_TYPE };
}

function stubLive(config: VersionUpdateByJobsConfig | undefined): void {
  iotMock.on(GetPackageConfigurationCommand).resolves({ versionUpdateByJobsConfig: config });
  iotMock.on(UpdatePackageConfigurationCommand).resolves({});
}

const written = () => inputsOf(UpdatePackageConfigurationCommand).map((i) => i.versionUpdateByJobsConfig);

describe('create', () => {
  test('enables the configuration with the role, idempotently (clientToken from the RequestId)', async () => {
    stubLive({ enabled: false });
    const event = typed(createEvent({ RoleArn: ROLE }));
    const res = await handler(event);
    expect(res).toEqual({ PhysicalResourceId: PACKAGE_CONFIGURATION_PHYSICAL_ID, Data: { RoleArn: ROLE, Enabled: 'true' } });
    expect(inputsOf(UpdatePackageConfigurationCommand)).toEqual([
      { versionUpdateByJobsConfig: { enabled: true, roleArn: ROLE }, clientToken: event.RequestId },
    ]);
  });

  test('an account that never configured it counts as disabled', async () => {
    stubLive(undefined);
    await handler(typed(createEvent({ RoleArn: ROLE })));
    expect(written()).toEqual([{ enabled: true, roleArn: ROLE }]);
  });

  test('enables a disabled configuration that names another role (nobody relies on it)', async () => {
    stubLive({ enabled: false, roleArn: OTHER_ROLE });
    await handler(typed(createEvent({ RoleArn: ROLE })));
    expect(written()).toEqual([{ enabled: true, roleArn: ROLE }]);
  });

  test('writes nothing when it is already enabled with the role', async () => {
    stubLive({ enabled: true, roleArn: ROLE });
    await handler(typed(createEvent({ RoleArn: ROLE })));
    expect(written()).toEqual([]);
    expect(notices('nothing to write')).toHaveLength(1);
  });

  test('refuses to replace another enabled role', async () => {
    stubLive({ enabled: true, roleArn: OTHER_ROLE });
    const err = await rejectionOf(handler(typed(createEvent({ RoleArn: ROLE }))));
    expect(err.message).toContain(`already lets jobs update the '$package' shadow with role '${OTHER_ROLE}'`);
    expect(err.message).toContain('set replaceExistingRole: true');
    expect(written()).toEqual([]);
  });

  test('replaces it with ReplaceExistingRole, logging the previous role', async () => {
    stubLive({ enabled: true, roleArn: OTHER_ROLE });
    await handler(typed(createEvent({ RoleArn: ROLE, ReplaceExistingRole: 'true' })));
    expect(written()).toEqual([{ enabled: true, roleArn: ROLE }]);
    expect(notices('replacing the role')[0]).toMatchObject({ previousRoleArn: OTHER_ROLE });
  });

  test.each([[undefined], ['arn:aws:iam::1:r'], ['x'.repeat(2049)]])('refuses RoleArn %j without any IoT call', async (roleArn) => {
    const err = await rejectionOf(handler(typed(createEvent({ RoleArn: roleArn }))));
    expect(err.message).toContain('Invalid RoleArn');
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('refuses a flag that is not a boolean', async () => {
    const err = await rejectionOf(handler(typed(createEvent({ RoleArn: ROLE, DisableOnDelete: 'yes' }))));
    expect(err.message).toContain('Invalid DisableOnDelete "yes"');
  });

  test('retries while a new role cannot be passed or assumed yet, then succeeds', async () => {
    stubLive({ enabled: false });
    iotMock.on(UpdatePackageConfigurationCommand)
      .rejectsOnce(accessDenied('not authorized to perform iam:PassRole'))
      .rejectsOnce(invalid('Unable to assume role'))
      .resolves({});
    await handler(typed(createEvent({ RoleArn: ROLE })), remaining(60_000));
    expect(written()).toHaveLength(3);
  });

  test('a validation error about something else fails at once, with a clear subject', async () => {
    stubLive({ enabled: false });
    iotMock.on(UpdatePackageConfigurationCommand).rejects(invalid('Invalid client token'));
    const err = await rejectionOf(handler(typed(createEvent({ RoleArn: ROLE })), remaining(60_000)));
    expect(err.message).toContain(`UpdatePackageConfiguration failed for the account's package configuration (enabling it with role '${ROLE}'): ValidationException`);
    expect(written()).toHaveLength(1);
  });

  test('a denial that outlasts the propagation window says which permissions are needed', async () => {
    stubLive({ enabled: false });
    iotMock.on(UpdatePackageConfigurationCommand).rejects(accessDenied());
    const err = await rejectionOf(handler(typed(createEvent({ RoleArn: ROLE })), remaining(6_000)));
    expect(err.message).toContain('needs iot:UpdatePackageConfiguration and iam:PassRole on the role');
  });
});

describe('update', () => {
  const update = (props: Props, old: Props) => handler(typed(updateEvent(props, old, { physicalResourceId: PACKAGE_CONFIGURATION_PHYSICAL_ID })));

  test('replaces its own previous role with the new one', async () => {
    stubLive({ enabled: true, roleArn: ROLE });
    const res = await update({ RoleArn: NEW_ROLE }, { RoleArn: ROLE });
    expect(res).toEqual({ PhysicalResourceId: PACKAGE_CONFIGURATION_PHYSICAL_ID, Data: { RoleArn: NEW_ROLE, Enabled: 'true' } });
    expect(written()).toEqual([{ enabled: true, roleArn: NEW_ROLE }]);
  });

  test('enables again what someone disabled', async () => {
    stubLive({ enabled: false, roleArn: ROLE });
    await update({ RoleArn: ROLE }, { RoleArn: ROLE });
    expect(written()).toEqual([{ enabled: true, roleArn: ROLE }]);
  });

  test('refuses a role someone else set since, outside a rollback', async () => {
    stubLive({ enabled: true, roleArn: OTHER_ROLE });
    stubStackStatus('UPDATE_IN_PROGRESS');
    const err = await rejectionOf(update({ RoleArn: ROLE, DisableOnDelete: 'true' }, { RoleArn: ROLE }));
    expect(err.message).toContain(`with role '${OTHER_ROLE}'`);
    expect(written()).toEqual([]);
  });

  test('during a rollback, leaves a role someone else set since and succeeds, reporting it', async () => {
    stubLive({ enabled: true, roleArn: OTHER_ROLE });
    stubStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const res = await update({ RoleArn: ROLE }, { RoleArn: NEW_ROLE });
    expect(res.Data).toEqual({ RoleArn: OTHER_ROLE, Enabled: 'true' });
    expect(written()).toEqual([]);
    expect(cfnMock.calls()).toHaveLength(1);
  });
});

describe('delete', () => {
  const del = (props: Props) => handler(typed(deleteEvent(PACKAGE_CONFIGURATION_PHYSICAL_ID, props)));

  test('leaves it enabled by default, without any IoT call', async () => {
    expect(await del({ RoleArn: ROLE })).toEqual({ PhysicalResourceId: PACKAGE_CONFIGURATION_PHYSICAL_ID });
    expect(iotMock.calls()).toHaveLength(0);
  });

  test('with DisableOnDelete, disables it while it names this resource\'s role', async () => {
    stubLive({ enabled: true, roleArn: ROLE });
    await del({ RoleArn: ROLE, DisableOnDelete: 'true' });
    expect(written()).toEqual([{ enabled: false }]);
  });

  test.each<[string, VersionUpdateByJobsConfig]>([
    ['another role', { enabled: true, roleArn: OTHER_ROLE }],
    ['already disabled', { enabled: false, roleArn: ROLE }],
  ])('with DisableOnDelete, leaves it when it is %s', async (_label, live) => {
    stubLive(live);
    await del({ RoleArn: ROLE, DisableOnDelete: 'true' });
    expect(written()).toEqual([]);
  });

  test('properties that no longer parse leave it alone', async () => {
    await del({ RoleArn: 'short', DisableOnDelete: 'true' });
    expect(iotMock.calls()).toHaveLength(0);
  });
});

/** The desired package configuration, read from the resource's properties; and what create and update share. */
import type { VersionUpdateByJobsConfig } from '@aws-sdk/client-iot';
import {
  ATTR_ENABLED,
  ATTR_ROLE_ARN,
  PACKAGE_CONFIGURATION_PHYSICAL_ID,
  PackageConfigurationResourceProperties,
  ROLE_ARN_MAX,
  ROLE_ARN_MIN,
} from '../../src/shared/package-configuration-contract';
import { updatePackageConfiguration } from '../aws/iot-account';
import { log } from '../log';
import { HandlerResponse } from '../response';
import { clientTokenFor } from '../version/create';

export interface DesiredConfiguration {
  readonly roleArn: string;
  readonly disableOnDelete: boolean;
  readonly replaceExistingRole: boolean;
}

function flag(props: Partial<PackageConfigurationResourceProperties>, name: 'DisableOnDelete' | 'ReplaceExistingRole'): boolean {
  const value = props[name];
  if (value !== undefined && value !== 'true' && value !== 'false') {
    throw new Error(`Invalid ${name} ${JSON.stringify(String(value).slice(0, 40))}: expected 'true' or 'false'`);
  }
  return value === 'true';
}

/** Reads and checks the properties. Throws for values the construct would have refused. */
export function readDesiredConfiguration(props: object | undefined): DesiredConfiguration {
  const p = (props ?? {}) as Partial<PackageConfigurationResourceProperties>;
  const roleArn = p.RoleArn;
  if (typeof roleArn !== 'string' || roleArn.length < ROLE_ARN_MIN || roleArn.length > ROLE_ARN_MAX) {
    throw new Error(`Invalid RoleArn ${JSON.stringify(String(roleArn).slice(0, 80))}: expected an IAM role ARN of ${ROLE_ARN_MIN} to ${ROLE_ARN_MAX} characters`);
  }
  return { roleArn, disableOnDelete: flag(p, 'DisableOnDelete'), replaceExistingRole: flag(p, 'ReplaceExistingRole') };
}

/**
 * Why the account's configuration may not be taken over, or undefined if it
 * may: it is off, already names `desired`'s role, names a role this resource
 * set before (`ours`), or the user allows replacing it.
 */
export function refusal(live: VersionUpdateByJobsConfig, desired: DesiredConfiguration, ours: string[]): string | undefined {
  if (!live.enabled || !live.roleArn || live.roleArn === desired.roleArn || ours.includes(live.roleArn) || desired.replaceExistingRole) {
    return undefined;
  }
  return `The account's IoT package configuration already lets jobs update the '$package' shadow with role '${live.roleArn}', ` +
    'which this stack did not set, so it is not replaced: another stack or the console may rely on it. ' +
    'To have this stack manage it from now on, set replaceExistingRole: true on the PackageConfiguration.';
}

/** Enables the configuration with `desired`'s role, unless it already is. */
export async function enable(live: VersionUpdateByJobsConfig, desired: DesiredConfiguration, requestId: string): Promise<HandlerResponse> {
  if (live.enabled && live.roleArn === desired.roleArn) {
    log('package configuration already enabled with this role: nothing to write');
  } else {
    if (live.enabled && live.roleArn) {
      log('package configuration: replacing the role', { previousRoleArn: live.roleArn });
    }
    await updatePackageConfiguration({ enabled: true, roleArn: desired.roleArn }, clientTokenFor(requestId));
    log('package configuration enabled', { roleArn: desired.roleArn });
  }
  return {
    PhysicalResourceId: PACKAGE_CONFIGURATION_PHYSICAL_ID,
    Data: { [ATTR_ROLE_ARN]: desired.roleArn, [ATTR_ENABLED]: 'true' },
  };
}

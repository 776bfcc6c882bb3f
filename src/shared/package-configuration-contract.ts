/**
 * The wire contract between the `PackageConfiguration` construct (src/) and
 * its custom-resource handler (lambda/package-configuration/). Both sides
 * import this module. Names are part of deployed templates: never rename them.
 */

/** CloudFormation type of the custom resource. Permanent once released. */
export const PACKAGE_CONFIGURATION_RESOURCE_TYPE = 'Custom::IotPackageConfiguration';

/** The custom resource's properties, as the handler receives them (all strings). */
export interface PackageConfigurationResourceProperties {
  /** The role IoT assumes to update the `$package` shadow. */
  readonly RoleArn: string;
  /** 'true' to turn the configuration off on delete (if it still names RoleArn); absent otherwise. */
  readonly DisableOnDelete?: string;
  /** 'true' to replace a role that the account's configuration already names; absent otherwise. */
  readonly ReplaceExistingRole?: string;
}

/** The physical id: one configuration per account and region. */
export const PACKAGE_CONFIGURATION_PHYSICAL_ID = 'iot-package-configuration';

/** Names of the attributes the handler returns in `Data`. */
export const ATTR_ROLE_ARN = 'RoleArn';
export const ATTR_ENABLED = 'Enabled';

/** IoT's RoleArn shape: 20 to 2048 characters. */
export const ROLE_ARN_MIN = 20;
export const ROLE_ARN_MAX = 2048;

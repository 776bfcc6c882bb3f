import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { customResource } from './private/custom-resource';
import { acknowledgeWildcard, nagToken } from './private/nag';
import { PackageVersionProvider } from './private/provider';
import {
  ATTR_ROLE_ARN,
  PACKAGE_CONFIGURATION_RESOURCE_TYPE,
  PackageConfigurationResourceProperties,
  ROLE_ARN_MAX,
  ROLE_ARN_MIN,
} from './shared/package-configuration-contract';

/**
 * Properties of `PackageConfiguration`.
 */
export interface PackageConfigurationProps {
  /**
   * The role IoT assumes to update the `$package` reserved named shadow of
   * the things a job deploys package versions to. It must trust
   * `iot.amazonaws.com` and allow `iot:GetThingShadow` and
   * `iot:UpdateThingShadow` on `arn:PARTITION:iot:REGION:ACCOUNT:thing/THING/$package`,
   * and `iot:DescribeEndpoint` on `*`.
   *
   * @default - a new role with exactly these permissions, for all things of the account and region
   */
  readonly role?: iam.IRole;

  /**
   * On delete, turn the package configuration off, if it still names this
   * resource's role. Jobs then no longer update `$package`.
   *
   * Off by default: the configuration is account-wide, and jobs of other
   * stacks may rely on it. A role this construct created is then retained
   * when the stack is deleted (the configuration still names it); with
   * `disableOnDelete`, the role is deleted with the stack.
   *
   * @default false - the configuration stays enabled when the resource is deleted
   */
  readonly disableOnDelete?: boolean;

  /**
   * Replace the role if the account's package configuration already names
   * another one (set by the console, another stack or a script). Without
   * it, the deployment fails instead of taking over a configuration that
   * others may rely on.
   *
   * @default false - fail if another role is configured
   */
  readonly replaceExistingRole?: boolean;
}

/** Finds the PackageConfiguration of a stack. */
const BY_STACK = new WeakMap<Stack, PackageConfiguration>();

/**
 * Lets AWS IoT Jobs record deployed package versions in each thing's
 * `$package` reserved named shadow (`UpdatePackageConfiguration` with
 * `versionUpdateByJobsConfig` enabled and a role). Without it, jobs that
 * deploy package versions still run, but IoT does not update the things'
 * `$package` shadow, so the fleet index does not show which version a thing
 * runs.
 *
 * **Account-wide, per region.** The package configuration is one setting
 * for the whole account in a region. If it already names another role, the
 * deployment fails unless `replaceExistingRole` is set.
 *
 * **Cost.** The shadow updates IoT makes with the role are billed as Device
 * Shadow and registry operations.
 *
 * **Delete.** The setting stays enabled unless `disableOnDelete` is set,
 * and so does a role this construct created (it is retained: the
 * configuration names it); with `disableOnDelete`, the role is deleted too.
 *
 * The configuration is enabled whenever the resource exists; there is no
 * prop to keep it disabled (to stop jobs updating `$package`, delete the
 * resource with `disableOnDelete`).
 *
 * At most one per stack. `PackageConfiguration.of(stack)` finds it.
 *
 * @example
 * import { PackageConfiguration } from 'cdk-iot-package-catalog';
 *
 * declare const stack: Stack;
 *
 * const config = new PackageConfiguration(stack, 'PackageConfiguration');
 * new CfnOutput(stack, 'ShadowRoleArn', { value: config.role.roleArn });
 */
export class PackageConfiguration extends Construct {
  /**
   * The PackageConfiguration of the stack that holds `scope`, if it has one.
   *
   * @param scope any construct in the stack
   */
  public static of(scope: Construct): PackageConfiguration | undefined {
    return BY_STACK.get(Stack.of(scope));
  }

  /**
   * The role IoT assumes to update the `$package` shadow: the one given in
   * the props, or the one this construct created.
   */
  public readonly role: iam.IRole;

  /**
   * The ARN of the role the account's package configuration names after the deployment.
   *
   * @attribute
   */
  public readonly roleArn: string;


  constructor(scope: Construct, id: string, props: PackageConfigurationProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const existing = BY_STACK.get(stack);
    if (existing) {
      throw new Error(`PackageConfiguration '${this.node.path}': the stack already has a PackageConfiguration ('${existing.node.path}'). ` +
        'The package configuration is one setting per account and region: define it once per stack, and find it with PackageConfiguration.of(stack).');
    }
    if (props.role && !Token.isUnresolved(props.role.roleArn)
      && (props.role.roleArn.length < ROLE_ARN_MIN || props.role.roleArn.length > ROLE_ARN_MAX)) {
      throw new Error(`PackageConfiguration '${this.node.path}': role's ARN must be ${ROLE_ARN_MIN} to ${ROLE_ARN_MAX} characters, ` +
        `got ${props.role.roleArn.length} ('${props.role.roleArn.slice(0, 60)}')`);
    }
    BY_STACK.set(stack, this);

    this.role = props.role ?? this.createRole(props.disableOnDelete ?? false);

    const provider = PackageVersionProvider.getOrCreate(this);
    const policy = provider.policyFor('PackageConfigurationPolicy', [
      new iam.PolicyStatement({
        // Neither action has a resource type: IAM authorizes them on '*' only.
        actions: ['iot:GetPackageConfiguration', 'iot:UpdatePackageConfiguration'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        // UpdatePackageConfiguration passes the role to IoT.
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } },
      }),
    ]);
    acknowledgeWildcard(policy, '*',
      'iot:GetPackageConfiguration and iot:UpdatePackageConfiguration have no resource type: IAM authorizes them on "*" only. ' +
      'The package configuration is one per account and region.');

    const properties: PackageConfigurationResourceProperties = {
      RoleArn: this.role.roleArn,
      DisableOnDelete: props.disableOnDelete ? 'true' : undefined,
      ReplaceExistingRole: props.replaceExistingRole ? 'true' : undefined,
    };
    const resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: PACKAGE_CONFIGURATION_RESOURCE_TYPE,
      properties,
      serviceTimeout: provider.serviceTimeout,
    });
    // The permission exists when the resource is created and still exists when it is deleted;
    // so does the role's own policy, for the jobs that use it.
    resource.node.addDependency(policy, this.role);
    this.roleArn = Token.asString(resource.getAtt(ATTR_ROLE_ARN));
  }

  /**
   * The role IoT assumes: trusts iot.amazonaws.com, and may read and update
   * the `$package` named shadow of any thing of the account and region.
   *
   * No aws:SourceAccount / aws:SourceArn condition: IoT documents no such
   * context for this role (its documented examples have none), and a
   * condition IoT does not send would silently stop jobs from updating
   * `$package`.
   */
  private createRole(disableOnDelete: boolean): iam.Role {
    const stack = Stack.of(this);
    const packageShadows = stack.formatArn({
      service: 'iot',
      resource: 'thing',
      resourceName: '*/$package',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: 'Lets AWS IoT Jobs update the $package reserved named shadow of things (cdk-iot-package-catalog)',
      inlinePolicies: {
        PackageShadow: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['iot:GetThingShadow', 'iot:UpdateThingShadow'],
              resources: [packageShadows],
            }),
            new iam.PolicyStatement({
              // No resource type: IAM authorizes it on '*' only.
              actions: ['iot:DescribeEndpoint'],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledgeWildcard(role, nagToken(this, packageShadows),
      'IoT updates the $package reserved named shadow of whichever thing a job deploys to: the role may read and update ' +
      'that one shadow (thing/*/$package) of every thing in the account and region, and no other shadow.');
    acknowledgeWildcard(role, '*', 'iot:DescribeEndpoint has no resource type: IAM authorizes it on "*" only. It only reads.');
    // The configuration stays enabled when the stack goes (unless
    // disableOnDelete): so must the role it names, or jobs of every stack
    // would stop updating $package.
    role.applyRemovalPolicy(disableOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
    return role;
  }
}

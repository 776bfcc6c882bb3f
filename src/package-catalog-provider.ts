import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PackageVersionProvider } from './private/provider';

/**
 * Settings of a stack's custom-resource provider: its two Lambda functions
 * (the handler, which calls AWS IoT, and aws-cdk-lib's framework function,
 * which calls the handler) and their roles and logs.
 */
export interface PackageCatalogProviderProps {
  /**
   * How long both functions' log groups keep events.
   *
   * Not together with `logGroup`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to both functions' log groups when they leave the stack.
   *
   * Not together with `logGroup`.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * A log group of your own, used by both functions instead of the two the
   * provider creates. Both roles get write access to it.
   *
   * Not together with `logRetention` or `logRemovalPolicy`.
   *
   * @default - the provider creates a log group for each function
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * A permissions boundary for both roles (the handler's and the framework
   * function's). `iam.PermissionsBoundary.of(stack)` reaches them too.
   *
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The path of both roles.
   *
   * @default "/"
   */
  readonly rolePath?: string;

  /**
   * A prefix for the names of both roles, which are then
   * `PREFIX` + `Handler` or `Framework` + `-REGION-` + a hash of the stack's
   * name: unique per stack and region. At most 25 characters of
   * `A-Za-z0-9+=,.@_-`.
   *
   * @default - CloudFormation generates the names
   */
  readonly roleNamePrefix?: string;

  /**
   * The VPC both functions run in. They then need to reach AWS IoT's
   * control plane (interface endpoint `com.amazonaws.REGION.iot.api`),
   * CloudFormation, S3 (the handler reads artifacts' versions; the framework
   * sends CloudFormation's response to a presigned S3 URL), Lambda (the
   * framework invokes the handler) and CloudWatch Logs: through VPC
   * endpoints or a NAT route. Both roles get the AWS managed policy
   * `service-role/AWSLambdaVPCAccessExecutionRole` to manage the functions'
   * network interfaces.
   *
   * @default - the functions run outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` the functions are placed. Requires `vpc`.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of both functions. Requires `vpc`.
   *
   * @default - a security group for each function, allowing all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The handler function's memory, in MiB (128-10240).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * The handler function's timeout: at most 14 minutes, since aws-cdk-lib's
   * framework function, which waits for it, stops after 15. CloudFormation
   * waits for each custom resource's response for this timeout plus 2
   * minutes (its `ServiceTimeout`), and a `PackageDeployment` may wait for its
   * rollout for this timeout less the handler's cleanup reserve.
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/**
 * The custom-resource provider of a stack: one handler function, one
 * framework function, their roles and logs, shared by every construct of
 * this library in the stack.
 *
 * The first construct of the library in a stack creates the provider with
 * the default settings. To change them, call `configure` before declaring
 * any package, version, deployment or other construct of the library in the
 * stack.
 *
 * @example
 * import * as logs from 'aws-cdk-lib/aws-logs';
 * import { PackageCatalogProvider } from 'cdk-iot-package-catalog';
 *
 * PackageCatalogProvider.configure(this, {
 *   logRetention: logs.RetentionDays.ONE_MONTH,
 *   memorySize: 512,
 * });
 */
export class PackageCatalogProvider {
  /**
   * Creates the provider of the stack that holds `scope`, with these settings.
   *
   * Throws if the stack already has its provider: it is created by the first
   * construct of this library in the stack, so call this first.
   */
  public static configure(scope: Construct, props: PackageCatalogProviderProps = {}): PackageCatalogProvider {
    return new PackageCatalogProvider(PackageVersionProvider.configure(scope, props));
  }

  /**
   * The provider of the stack that holds `scope`; created with the default
   * settings if the stack has none yet.
   */
  public static of(scope: Construct): PackageCatalogProvider {
    return new PackageCatalogProvider(PackageVersionProvider.getOrCreate(scope));
  }

  /** The handler function, which calls AWS IoT. */
  public readonly handlerFunction: lambda.IFunction;

  /** The handler function's role. */
  public readonly handlerRole: iam.IRole;

  /** The role of aws-cdk-lib's framework function, which invokes the handler. */
  public readonly frameworkRole: iam.IRole;

  /** The handler function's timeout. */
  public readonly timeout: Duration;

  /**
   * How long CloudFormation waits for the response to each custom resource
   * of the stack: the handler's timeout plus 2 minutes, at most an hour (17
   * minutes for a timeout that is a token).
   */
  public readonly serviceTimeout: Duration;

  private constructor(provider: PackageVersionProvider) {
    this.handlerFunction = provider.handlerFunction;
    this.handlerRole = provider.handlerRole;
    this.frameworkRole = provider.frameworkRole;
    this.timeout = provider.handlerTimeout;
    this.serviceTimeout = provider.serviceTimeout;
  }
}

import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct, IConstruct } from 'constructs';
import { TARGET_ARN } from './shared/deployment-contract';

/** IoT's pattern for a thing or thing-group name. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/**
 * Things or thing groups a deployment targets.
 *
 * Names are turned into ARNs in the account and region of the stack.
 */
export class DeploymentTarget {
  /** A thing, by ARN. */
  public static thingArn(arn: string): DeploymentTarget {
    return new DeploymentTarget(arn, 'thing');
  }

  /** A thing group (static or dynamic), by ARN. */
  public static thingGroupArn(arn: string): DeploymentTarget {
    return new DeploymentTarget(arn, 'thinggroup');
  }

  /** A thing of the stack's account and region, by name. */
  public static thingName(name: string): DeploymentTarget {
    return new DeploymentTarget(undefined, 'thing', name);
  }

  /** A thing group of the stack's account and region, by name. */
  public static thingGroupName(name: string): DeploymentTarget {
    return new DeploymentTarget(undefined, 'thinggroup', name);
  }

  /** A thing declared with `CfnThing`. */
  public static fromCfnThing(thing: iot.CfnThing): DeploymentTarget {
    return new DeploymentTarget(thing.attrArn, 'thing', undefined, thing);
  }

  /** A thing group declared with `CfnThingGroup`. */
  public static fromCfnThingGroup(group: iot.CfnThingGroup): DeploymentTarget {
    return new DeploymentTarget(group.attrArn, 'thinggroup', undefined, group);
  }

  private constructor(
    private readonly arn: string | undefined,
    /** `thing` or `thinggroup`. */
    private readonly kind: string,
    private readonly name?: string,
    private readonly construct?: IConstruct,
  ) {}

  /**
   * The construct that declares the target, which the deployment depends on.
   *
   * @internal
   */
  public get _construct(): IConstruct | undefined {
    return this.construct;
  }

  /**
   * The target's ARN in `scope`'s stack.
   *
   * @internal
   */
  public _bind(scope: Construct): string {
    if (this.name !== undefined && !Token.isUnresolved(this.name) && !THING_NAME.test(this.name)) {
      throw new Error(`PackageDeployment '${scope.node.path}' has an invalid prop:\n  - targets: ${this.kind} name '${this.name}' must be 1-128 characters of [a-zA-Z0-9:_-]`);
    }
    const arn = this.arn ?? Stack.of(scope).formatArn({
      service: 'iot', resource: this.kind, resourceName: this.name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    if (!Token.isUnresolved(arn) && (!TARGET_ARN.test(arn) || !arn.includes(`:${this.kind}/`))) {
      throw new Error(`PackageDeployment '${scope.node.path}' has an invalid prop:\n  - targets: '${arn}' is not a ${this.kind} ARN (arn:PARTITION:iot:REGION:ACCOUNT:${this.kind}/NAME)`);
    }
    return arn;
  }
}

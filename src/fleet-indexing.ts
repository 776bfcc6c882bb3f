import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { customResource } from './private/custom-resource';
import { acknowledgeWildcard } from './private/nag';
import { PackageVersionProvider } from './private/provider';
import {
  ATTR_THING_INDEXING_MODE,
  FLEET_INDEXING_RESOURCE_TYPE,
  FleetIndexingResourceProperties,
} from './shared/fleet-indexing-contract';

/**
 * The least thing indexing mode `FleetIndexing` sets.
 */
export enum ThingIndexingMode {
  /** Index registry data (thing names, types, attributes, groups). */
  REGISTRY = 'REGISTRY',
  /** Index registry data and the classic (unnamed) shadow. */
  REGISTRY_AND_SHADOW = 'REGISTRY_AND_SHADOW',
}

/**
 * Properties of `FleetIndexing`.
 */
export interface FleetIndexingProps {
  /**
   * The least thing indexing mode the account gets.
   *
   * A mode that the account already has and
   * that indexes at least as much is kept (REGISTRY_AND_SHADOW is never
   * lowered to REGISTRY); a lower one (OFF) is raised to this.
   *
   * The package catalog needs thing indexing with named-shadow indexing of
   * `$package`; whether REGISTRY is enough or REGISTRY_AND_SHADOW is needed
   * is not documented. REGISTRY indexes less, and costs less.
   *
   * @default ThingIndexingMode.REGISTRY
   */
  readonly thingIndexingMode?: ThingIndexingMode;

  /**
   * Whether a delete undoes what this resource changed.
   *
   * The undo removes `$package` from the named-shadow filter if this resource
   * added it, turns named-shadow indexing back off if it turned it on (and no
   * other named shadow is indexed), and sets the thing indexing mode back if
   * it changed it; each only if the live setting is still what it wrote.
   *
   * Off by default: fleet indexing is account-wide, and other stacks, jobs
   * and fleet-indexing queries of the account may rely on it.
   *
   * @default false - fleet indexing stays enabled when the resource is deleted
   */
  readonly restoreOnDelete?: boolean;
}

/** Finds the FleetIndexing of a stack. */
const BY_STACK = new WeakMap<Stack, FleetIndexing>();

/**
 * Turns on the AWS IoT fleet indexing that the software package catalog
 * needs: thing indexing, named-shadow indexing, and the `$package` reserved
 * named shadow in the named-shadow filter. IoT refuses `CreatePackage`
 * without it.
 *
 * **Account-wide, per region.** Fleet indexing is one setting for the whole
 * account in a region. The resource reads it and writes it back with only
 * what is missing added: every other setting (connectivity and Device
 * Defender indexing, custom and managed fields, geolocations, other named
 * shadows, thing group indexing) is kept, and nothing is written when
 * nothing is missing.
 *
 * **Cost.** Indexing, index updates (each shadow update of an indexed
 * named shadow, such as jobs writing `$package`) and fleet-indexing queries
 * are billed; see AWS IoT Device Management pricing.
 *
 * **Delete.** The setting stays enabled unless `restoreOnDelete` is set.
 *
 * At most one per stack. `FleetIndexing.of(stack)` finds it, so that other
 * constructs can depend on it (`node.addDependency(fleetIndexing)`).
 *
 * @example
 * import { FleetIndexing } from 'cdk-iot-package-catalog';
 *
 * declare const stack: Stack;
 *
 * new FleetIndexing(stack, 'FleetIndexing');
 */
export class FleetIndexing extends Construct {
  /**
   * The FleetIndexing of the stack that holds `scope`, if it has one.
   *
   * @param scope any construct in the stack
   */
  public static of(scope: Construct): FleetIndexing | undefined {
    return BY_STACK.get(Stack.of(scope));
  }

  /**
   * The thing indexing mode the account has after the deployment
   * (at least `thingIndexingMode`).
   *
   * @attribute
   */
  public readonly thingIndexingMode: string;


  constructor(scope: Construct, id: string, props: FleetIndexingProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const existing = BY_STACK.get(stack);
    if (existing) {
      throw new Error(`FleetIndexing '${this.node.path}': the stack already has a FleetIndexing ('${existing.node.path}'). ` +
        'Fleet indexing is one setting per account and region: define it once per stack, and find it with FleetIndexing.of(stack).');
    }
    const mode: unknown = props.thingIndexingMode;
    if (mode !== undefined && mode !== ThingIndexingMode.REGISTRY && mode !== ThingIndexingMode.REGISTRY_AND_SHADOW) {
      throw new Error(`FleetIndexing '${this.node.path}': thingIndexingMode must be ThingIndexingMode.REGISTRY or ` +
        `ThingIndexingMode.REGISTRY_AND_SHADOW, got ${JSON.stringify(mode)}`);
    }
    BY_STACK.set(stack, this);

    const provider = PackageVersionProvider.getOrCreate(this);
    const policy = provider.policyFor('FleetIndexingPolicy', [new iam.PolicyStatement({
      // Neither action has a resource type: IAM authorizes them on '*' only.
      actions: ['iot:GetIndexingConfiguration', 'iot:UpdateIndexingConfiguration'],
      resources: ['*'],
    })]);
    acknowledgeWildcard(policy, '*',
      'iot:GetIndexingConfiguration and iot:UpdateIndexingConfiguration have no resource type: IAM authorizes them on "*" only. ' +
      'The fleet indexing configuration is one per account and region.');

    const properties: FleetIndexingResourceProperties = {
      ThingIndexingMode: props.thingIndexingMode,
      RestoreOnDelete: props.restoreOnDelete ? 'true' : undefined,
    };
    const resource = customResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: FLEET_INDEXING_RESOURCE_TYPE,
      properties,
      serviceTimeout: provider.serviceTimeout,
    });
    // The permission exists when the resource is created and still exists when it is deleted.
    resource.node.addDependency(policy);
    this.thingIndexingMode = Token.asString(resource.getAtt(ATTR_THING_INDEXING_MODE));
  }

}

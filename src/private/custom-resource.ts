import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** What `customResource` declares. */
export interface CustomResourceOptions {
  /** The provider's service token. */
  readonly serviceToken: string;
  /** `Custom::` and a name. */
  readonly resourceType: string;
  /** The resource's properties, as the handler reads them. */
  readonly properties: object;
  /** How long CloudFormation waits for the provider to answer. */
  readonly serviceTimeout: Duration;
  /** What CloudFormation does with the resource on removal. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Declares a custom resource as aws-cdk-lib's `CustomResource` does: the
 * same template (a CfnResource with the id `Default` below a construct with
 * the given id, so the same path and logical id; `ServiceToken` and
 * `ServiceTimeout` before the other properties; deleted on removal), with a
 * plain construct in place of the `CustomResource` L2. An L2 per resource
 * (its construct metadata, prop checks and wrappers) cost about a tenth of
 * the synthesis of a catalog of hundreds of versions.
 *
 * Two things differ from the L2: property injectors registered for
 * `CustomResource` do not apply, and the construct analytics in
 * `AWS::CDK::Metadata` (when version reporting is on) name a `Construct`.
 *
 * @returns the resource; its `ref` is the physical id the handler returns
 */
export function customResource(scope: Construct, id: string, options: CustomResourceOptions): CfnResource {
  const resource = new CfnResource(new Construct(scope, id), 'Default', {
    type: options.resourceType,
    properties: {
      ServiceToken: options.serviceToken,
      ServiceTimeout: options.serviceTimeout.toSeconds().toString(),
      ...options.properties,
    },
  });
  resource.applyRemovalPolicy(options.removalPolicy ?? RemovalPolicy.DESTROY);
  return resource;
}

/**
 * What CloudFormation would do with a synthesized template's values, for
 * lifecycle tests that deploy what a real stack synthesizes: resolves the
 * pseudo parameters, `Ref`s and `Fn::GetAtt`s of S3 buckets, `Fn::Join` and
 * `Fn::Sub`. Anything else fails loudly, naming the value, so a test never
 * sends a half-resolved property.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveValue } from '../iam/authorization';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** Where the template is deployed. */
export interface DeployContext {
  readonly account: string;
  readonly region: string;
  readonly stackId: string;
}

/** A synthesized stack, with its values resolved as CloudFormation would. */
export class DeployedTemplate {
  public readonly resources: Resources;

  constructor(stack: Stack, private readonly ctx: DeployContext) {
    this.resources = (Template.fromStack(stack).toJSON().Resources ?? {}) as Resources;
  }

  /** The logical ids of the resources of a type. */
  public idsOf(type: string): string[] {
    return Object.keys(this.resources).filter((id) => this.resources[id].Type === type);
  }

  /** A resource's properties, resolved; without `ServiceToken`, which the simulator supplies. */
  public propertiesOf(logicalId: string): Record<string, unknown> {
    const { ServiceToken: _serviceToken, ...props } = this.resources[logicalId]?.Properties ?? {};
    return this.resolve(props) as Record<string, unknown>;
  }

  /**
   * The template with what this class can resolve resolved (bucket names in
   * IAM policies, for instance), and any other reference left as it is: for
   * checkers that understand the rest themselves.
   */
  public partlyResolved(): { Resources: Resources } {
    return { Resources: this.resolve(this.resources, false) as Resources };
  }

  /**
   * A value as CloudFormation resolves it.
   *
   * @param strict throw on what cannot be resolved (else leave it as it is)
   */
  public resolve(value: unknown, strict = true): unknown {
    if (!strict) {
      try {
        return this.resolve(value, true);
      } catch {
        if (Array.isArray(value)) {
          return value.map((v) => this.resolve(v, false));
        }
        if (value && typeof value === 'object' && !Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'))) {
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, false)]));
        }
        return value;
      }
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v));
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    const obj = value as Record<string, unknown>;
    if ('Ref' in obj) {
      return this.ref(obj.Ref as string);
    }
    if ('Fn::GetAtt' in obj) {
      const [id, attribute] = obj['Fn::GetAtt'] as [string, string];
      if (this.resources[id]?.Type === 'AWS::S3::Bucket' && attribute === 'Arn') {
        return `arn:aws:s3:::${this.ref(id)}`;
      }
      throw new Error(`Cannot resolve Fn::GetAtt ${id}.${attribute}`);
    }
    if ('Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(this.resolve(p))).join(separator);
    }
    if ('Fn::Sub' in obj && typeof obj['Fn::Sub'] === 'string') {
      return (obj['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(this.ref(name)));
    }
    if (Object.keys(obj).some((k) => k.startsWith('Fn::'))) {
      throw new Error(`Cannot resolve ${JSON.stringify(obj)}`);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string {
    // Pseudo parameters, as the IAM checker resolves them.
    const pseudo = resolveValue({ Ref: name }, { partition: 'aws', region: this.ctx.region, accountId: this.ctx.account, stackId: this.ctx.stackId });
    if (pseudo !== undefined) {
      return pseudo;
    }
    const resource = this.resources[name];
    if (resource?.Type === 'AWS::S3::Bucket' && typeof resource.Properties?.BucketName === 'string') {
      return resource.Properties.BucketName;
    }
    throw new Error(`Cannot resolve Ref ${name} (${resource?.Type ?? 'not in the template'}): give buckets explicit names in these tests`);
  }
}

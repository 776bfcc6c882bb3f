/**
 * cdk-nag findings that remain by design, acknowledged on the constructs
 * that cause them, finding by finding.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Acknowledges one AwsSolutions-IAM5 finding (a wildcard resource) on a
 * construct, in the metadata format `Validations.of().acknowledge()` writes
 * and cdk-nag v3 reads. The metadata is written directly because
 * `acknowledge()` rejects ids with more than one '::', and finding ids for
 * partition-aware ARNs contain '<AWS::Partition>'.
 */
export function acknowledgeWildcard(scope: Construct, resource: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`AwsSolutions-IAM5[Resource::${resource}]`]: reason });
}

/**
 * Renders a value the way cdk-nag names it in finding ids: references as
 * `<LogicalId>` or `<LogicalId.Attribute>`, pseudo parameters as
 * `<AWS::Name>`, imports as the export's name.
 */
export function nagToken(scope: Construct, value: string): string {
  // As cdk-nag's flattenCfnReference does.
  const render = (v: unknown): string => {
    if (typeof v === 'string') {
      return v.replace(/\$\{/g, '<').replace(/\}/g, '>');
    }
    const obj = v as Record<string, unknown>;
    if (obj && 'Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (obj && 'Fn::Sub' in obj) {
      return render(obj['Fn::Sub']);
    }
    if (obj && 'Fn::GetAtt' in obj) {
      const [logicalId, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${render(logicalId)}.${render(attribute)}>`;
    }
    if (obj && 'Fn::ImportValue' in obj) {
      return render(obj['Fn::ImportValue']);
    }
    if (obj && 'Ref' in obj) {
      return `<${render(obj.Ref)}>`;
    }
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
}

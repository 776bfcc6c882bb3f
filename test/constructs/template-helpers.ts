/**
 * Helpers for reading synthesized templates in construct tests.
 */
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Renders a CloudFormation value as the string IAM would store, with the
 * pseudo parameters at their longest real values, so policy sizes are
 * measured pessimistically. With the template's resources, an attribute
 * `Arn` of a log group is rendered with the longest name CloudWatch Logs
 * allows (512 characters). Other references and imports, which in the
 * handler role's policies are package names, are rendered at IoT's limit
 * for a package name (128 characters), unless they name a package of the
 * template with a literal name.
 */
export function renderWorstCase(value: unknown, resources: Record<string, { Type: string }> = {}): unknown {
  const render = (v: unknown) => renderWorstCase(v, resources);
  if (Array.isArray(value)) {
    return value.map(render);
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('Fn::Join' in obj) {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(render(p))).join(sep);
    }
    if ('Ref' in obj) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws-us-gov',
        'AWS::Region': 'us-isof-south-1',
        'AWS::AccountId': '123456789012',
        // The longest stack name CloudFormation allows, and a stack id's UUID.
        'AWS::StackId': `arn:aws-us-gov:cloudformation:us-isof-south-1:123456789012:stack/${'s'.repeat(128)}/${'0'.repeat(36)}`,
      };
      const target = resources[obj.Ref as string] as { Type: string; Properties?: { PackageName?: unknown } } | undefined;
      // A package's Ref is its name: a literal one is known.
      if (target?.Type === 'AWS::IoT::SoftwarePackage' && typeof target.Properties?.PackageName === 'string') {
        return target.Properties.PackageName;
      }
      return pseudo[obj.Ref as string] ?? 'r'.repeat(128);
    }
    if ('Fn::ImportValue' in obj) {
      return 'i'.repeat(128);
    }
    if ('Fn::GetAtt' in obj) {
      const [logicalId, attribute] = obj['Fn::GetAtt'] as [string, string];
      if (resources[logicalId]?.Type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
        return `arn:aws-us-gov:logs:us-isof-south-1:123456789012:log-group:${'x'.repeat(512)}:*`;
      }
      return `arn:aws-us-gov:service:us-isof-south-1:123456789012:${'x'.repeat(100)}`;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, render(v)]));
  }
  return value;
}

/** Logical ids of the resources of a type whose properties contain `fragment`. */
export function logicalIdsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/**
 * Total size, as IAM counts it (JSON without whitespace), of all inline
 * policies attached to the role with the given logical id.
 */
export function inlinePolicySizeOfRole(template: Template, roleLogicalId: string): { total: number; count: number } {
  const policies = template.findResources('AWS::IAM::Policy');
  const resources = template.toJSON().Resources;
  let total = 0;
  let count = 0;
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties.Roles ?? []) as Array<{ Ref?: string }>;
    if (roles.some((r) => r.Ref === roleLogicalId)) {
      total += JSON.stringify(renderWorstCase(policy.Properties.PolicyDocument, resources)).length;
      count++;
    }
  }
  const role = resources[roleLogicalId];
  for (const inline of role.Properties.Policies ?? []) {
    total += JSON.stringify(renderWorstCase(inline.PolicyDocument, resources)).length;
    count++;
  }
  return { total, count };
}

/** The largest total size of any one role's inline policies in the template. */
export function largestRoleInlinePolicySize(template: Template): number {
  const roles = Object.keys(template.findResources('AWS::IAM::Role'));
  return Math.max(0, ...roles.map((role) => inlinePolicySizeOfRole(template, role).total));
}

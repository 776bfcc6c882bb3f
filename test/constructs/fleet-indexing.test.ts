/** The FleetIndexing construct: its properties, validation, IAM and dependencies. */
import { App, CfnElement, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { FleetIndexing, ThingIndexingMode } from '../../src';

const TYPE = 'Custom::IotFleetIndexing';

function newStack(id = 'Stack'): Stack {
  return new Stack(new App(), id, { env: { account: '123456789012', region: 'eu-west-1' } });
}

function resourceOf(stack: Stack): { Properties: Record<string, unknown>; DependsOn?: string[] } {
  const resources = Object.values(Template.fromStack(stack).findResources(TYPE));
  expect(resources).toHaveLength(1);
  return resources[0] as { Properties: Record<string, unknown>; DependsOn?: string[] };
}

test('defaults: no mode (the handler\'s default is REGISTRY), no restore, the shared provider, a service timeout', () => {
  const stack = newStack();
  new FleetIndexing(stack, 'FleetIndexing');

  const template = Template.fromStack(stack);
  template.hasResource(TYPE, {
    Properties: {
      ServiceToken: Match.anyValue(),
      ServiceTimeout: '420',
      ThingIndexingMode: Match.absent(),
      RestoreOnDelete: Match.absent(),
    },
    UpdateReplacePolicy: 'Delete',
    DeletionPolicy: 'Delete',
  });
  template.resourceCountIs('AWS::Lambda::Function', 2); // the one provider: handler and framework
});

test.each([
  [ThingIndexingMode.REGISTRY, 'REGISTRY'],
  [ThingIndexingMode.REGISTRY_AND_SHADOW, 'REGISTRY_AND_SHADOW'],
])('thingIndexingMode %s is passed on', (mode, expected) => {
  const stack = newStack();
  new FleetIndexing(stack, 'FleetIndexing', { thingIndexingMode: mode });
  expect(resourceOf(stack).Properties.ThingIndexingMode).toBe(expected);
});

test('restoreOnDelete: true is passed on as "true"; false is left out', () => {
  const on = newStack();
  new FleetIndexing(on, 'FleetIndexing', { restoreOnDelete: true });
  expect(resourceOf(on).Properties.RestoreOnDelete).toBe('true');
  const off = newStack();
  new FleetIndexing(off, 'FleetIndexing', { restoreOnDelete: false });
  expect(resourceOf(off).Properties.RestoreOnDelete).toBeUndefined();
});

test('an unknown mode (plain JavaScript) fails, naming the prop and the value', () => {
  const stack = newStack();
  expect(() => new FleetIndexing(stack, 'FleetIndexing', { thingIndexingMode: 'OFF' as ThingIndexingMode }))
    .toThrow('FleetIndexing \'Stack/FleetIndexing\': thingIndexingMode must be ThingIndexingMode.REGISTRY or ThingIndexingMode.REGISTRY_AND_SHADOW, got "OFF"');
});

test('the handler may read and update the indexing configuration on "*" only, in a policy the resource depends on', () => {
  const stack = newStack();
  new FleetIndexing(stack, 'FleetIndexing');

  const template = Template.fromStack(stack);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['iot:UpdateIndexingConfiguration']) })]) } },
  });
  const [[policyId, policy]] = Object.entries(policies);
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    { Action: ['iot:GetIndexingConfiguration', 'iot:UpdateIndexingConfiguration'], Effect: 'Allow', Resource: '*' },
  ]);
  expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/HandlerRole/) }]);
  expect(resourceOf(stack).DependsOn).toContain(policyId);
});

test('Data attributes: thingIndexingMode reads ThingIndexingMode', () => {
  const stack = newStack();
  const indexing = new FleetIndexing(stack, 'FleetIndexing');
  const logicalId = stack.getLogicalId((indexing.node.defaultChild as Construct).node.defaultChild as CfnElement);
  expect(stack.resolve(indexing.thingIndexingMode)).toEqual({ 'Fn::GetAtt': [logicalId, 'ThingIndexingMode'] });
});

describe('one per stack', () => {
  test('of() finds it from any construct of the stack, and nothing in another stack', () => {
    const app = new App();
    const stack = new Stack(app, 'A');
    const nested = new Construct(new Construct(stack, 'Deep'), 'Deeper');
    expect(FleetIndexing.of(nested)).toBeUndefined();
    const indexing = new FleetIndexing(new Construct(stack, 'Prereqs'), 'FleetIndexing');
    expect(FleetIndexing.of(nested)).toBe(indexing);
    expect(FleetIndexing.of(new Stack(app, 'B'))).toBeUndefined();
  });

  test('a second one in the stack fails, naming both', () => {
    const stack = newStack();
    new FleetIndexing(stack, 'First');
    expect(() => new FleetIndexing(stack, 'Second')).toThrow(
      'FleetIndexing \'Stack/Second\': the stack already has a FleetIndexing (\'Stack/First\'). ' +
      'Fleet indexing is one setting per account and region: define it once per stack, and find it with FleetIndexing.of(stack).');
  });

  test('other constructs can depend on it', () => {
    const stack = newStack();
    const indexing = new FleetIndexing(stack, 'FleetIndexing');
    const handle = new CfnWaitConditionHandle(new Construct(stack, 'Other'), 'Handle');
    handle.node.addDependency(FleetIndexing.of(stack)!);
    const deps = Template.fromStack(stack).findResources('AWS::CloudFormation::WaitConditionHandle');
    expect(Object.values(deps)[0].DependsOn).toContain(stack.getLogicalId((indexing.node.defaultChild as Construct).node.defaultChild as CfnElement));
  });
});

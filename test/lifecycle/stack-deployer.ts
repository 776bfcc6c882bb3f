/**
 * Plays CloudFormation's deployment of a whole synthesized stack, for the
 * custom resources of this library, through the CloudFormation simulator:
 * the requests CloudFormation sends, in the order it sends them.
 *
 * - **Deploy** (create or update of the stack): resources in dependency
 *   order (`DependsOn`, `Ref`, `Fn::GetAtt`); a new resource is created, a
 *   changed one updated (an update that returns a new physical id is a
 *   replacement). Then, once everything succeeded, the clean-up phase
 *   (`UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`): resources removed from the
 *   template and the old physical resources of replacements are deleted in
 *   reverse dependency order of the template they came from.
 * - **Rollback**, when a request fails: the resources updated in this
 *   deployment are updated back to their previous properties, in reverse
 *   order (`UPDATE_ROLLBACK_IN_PROGRESS`); then
 *   (`UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`) the resources created in
 *   it, and the new physical resources of replacements, are deleted. A
 *   failed first deployment (`ROLLBACK_IN_PROGRESS`) deletes what it created.
 * - **Destroy**: every resource in reverse dependency order
 *   (`DELETE_IN_PROGRESS`).
 *
 * Requests go one at a time, in an order CloudFormation could choose: it
 * may run independent resources in parallel, but never a resource before
 * one it depends on. Only custom resources are played; the other resources
 * (the provider's function, roles and policies) are taken as deployed, and
 * a `DependsOn` on them is ignored.
 */
import { randomUUID } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { CfnResponse, CloudFormationSimulator } from './cloudformation-simulator';
import { DeployedTemplate } from './deployed-template';

/** A custom resource as CloudFormation keeps it between deployments. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  /** Resolved, as last sent to the handler successfully. */
  readonly properties: Record<string, unknown>;
  readonly physicalId: string;
  readonly data: Record<string, string>;
  /** The custom resources it depends on. */
  readonly dependsOn: string[];
}

/** One request the deployer sent, and CloudFormation's view of its result. */
export interface PlayedRequest {
  readonly phase: 'deploy' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'destroy';
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
}

/** The outcome of one deployment. */
export interface DeployResult {
  /** The stack's status at the end, as CloudFormation would report it. */
  readonly stackStatus: string;
  /** Every request sent, in order. */
  readonly requests: PlayedRequest[];
  /** The first failure's reason, if the deployment failed. */
  readonly failure?: string;
  /**
   * The first failed delete of the clean-up phase, if any. CloudFormation
   * only reports it as an event: the stack still ends UPDATE_COMPLETE, and
   * the resource leaves the stack.
   */
  readonly cleanupFailure?: string;
}

/** How a rollback treats a resource that the failed deployment replaced (its update returned a new physical id). */
export type ReplacementRollback =
  /** An Update back to the previous properties, sent to the new physical resource; then, if the response names the old one, the new one is deleted. */
  | 'update'
  /** No request for the old physical resource, which is simply kept; the new one is deleted in the rollback's clean-up (as MiniStack does). */
  | 'delete-new';

export interface StackDeployerOptions {
  readonly account?: string;
  readonly region?: string;
  /**
   * Which of the two rollbacks of a replaced custom resource to play. Which
   * one CloudFormation sends is not documented: handlers must be right with
   * either. @default 'update'
   */
  readonly replacementRollback?: ReplacementRollback;
}

/** What the deployer does with a stack's custom resources. */
export class StackDeployer {
  /** The custom resources deployed now, by logical id. */
  public readonly resources = new Map<string, StackResource>();
  private deployed = false;
  private readonly env: { account: string; region: string };

  constructor(private readonly cfn: CloudFormationSimulator, private readonly options: StackDeployerOptions = {}) {
    this.env = { account: options.account ?? '123456789012', region: options.region ?? 'us-east-1' };
  }

  /** Deploys the stack as it is synthesized now: the stack's create, or an update of what was deployed before. */
  public async deploy(stack: Stack): Promise<DeployResult> {
    const wanted = customResources(new DeployedTemplate(stack, { ...this.env, stackId: 'unused' }));
    const order = dependencyOrder(wanted);
    const first = !this.deployed;
    if (first) {
      // The stack exists (in moto) from the start of its first deployment: the handler reads its status.
      await this.cfn.setStackStatus('CREATE_IN_PROGRESS');
    }
    const requests: PlayedRequest[] = [];
    const before = new Map(this.resources);
    const created: StackResource[] = [];
    const updated: Array<{ previous: StackResource; now: StackResource }> = [];
    const phase = first ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';

    const template = new DeployedTemplate(stack, { ...this.env, stackId: this.cfn.stackId });
    for (const logicalId of order) {
      const { type, raw, dependsOn } = wanted.get(logicalId)!;
      let properties: Record<string, unknown>;
      try {
        properties = template.resolve(this.substitute(raw)) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`Cannot resolve the properties of ${logicalId}: ${(e as Error).message}`);
      }
      const previous = this.resources.get(logicalId);
      let response: CfnResponse;
      if (!previous || previous.type !== type) {
        response = await this.cfn.send({ RequestType: 'Create', ResourceType: type, RequestId: randomUUID(), LogicalResourceId: logicalId, ResourceProperties: properties },
          { stackStatus: phase });
        requests.push(played('deploy', 'Create', logicalId, undefined, response));
      } else if (JSON.stringify(previous.properties) !== JSON.stringify(properties)) {
        response = await this.cfn.send({
          RequestType: 'Update',
          ResourceType: type,
          RequestId: randomUUID(),
          LogicalResourceId: logicalId,
          PhysicalResourceId: previous.physicalId,
          ResourceProperties: properties,
          OldResourceProperties: previous.properties,
        }, { stackStatus: phase });
        requests.push(played('deploy', 'Update', logicalId, previous.physicalId, response));
      } else {
        continue;
      }
      if (response.Status === 'FAILED') {
        // CloudFormation rolls back the failed resource too: it cannot know how far the request got.
        if (previous && previous.type === type) {
          updated.push({ previous, now: { ...previous, properties } });
        } else {
          created.push({ logicalId, type, properties, physicalId: response.PhysicalResourceId, data: {}, dependsOn });
        }
        const stackStatus = await this.rollBack(first, created, updated, requests);
        return { stackStatus, requests, failure: `${logicalId}: ${response.Reason}` };
      }
      const now: StackResource = { logicalId, type, properties, physicalId: response.PhysicalResourceId, data: response.Data ?? {}, dependsOn };
      this.resources.set(logicalId, now);
      if (previous && previous.type === type) {
        updated.push({ previous, now });
      } else {
        created.push(now);
      }
    }
    this.deployed = true;
    if (first) {
      await this.cfn.setStackStatus('CREATE_COMPLETE');
      return { stackStatus: 'CREATE_COMPLETE', requests };
    }

    // Clean-up: what left the template, and the old physical resources of replacements.
    const leftovers = [...before.values()].filter((r) => !wanted.has(r.logicalId) || wanted.get(r.logicalId)!.type !== r.type);
    for (const { previous, now } of updated) {
      if (now.physicalId !== previous.physicalId) {
        leftovers.push(previous);
      }
    }
    for (const r of leftovers.filter((l) => !wanted.has(l.logicalId))) {
      this.resources.delete(r.logicalId);
    }
    const cleanupFailure = await this.deleteAll(leftovers, before, 'cleanup', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', requests);
    await this.cfn.setStackStatus('UPDATE_COMPLETE');
    return { stackStatus: 'UPDATE_COMPLETE', requests, cleanupFailure };
  }

  /** Deletes the stack: every resource, in reverse dependency order. */
  public async destroy(): Promise<DeployResult> {
    const requests: PlayedRequest[] = [];
    const all = [...this.resources.values()];
    const failed = await this.deleteAll(all, this.resources, 'destroy', 'DELETE_IN_PROGRESS', requests);
    this.resources.clear();
    this.deployed = false;
    const stackStatus = failed ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
    await this.cfn.setStackStatus(stackStatus);
    return { stackStatus, requests, failure: failed };
  }

  private async rollBack(first: boolean, created: StackResource[], updated: Array<{ previous: StackResource; now: StackResource }>,
    requests: PlayedRequest[]): Promise<string> {
    if (first) {
      await this.deleteAll(created, this.resources, 'rollback', 'ROLLBACK_IN_PROGRESS', requests);
      this.resources.clear();
      await this.cfn.setStackStatus('ROLLBACK_COMPLETE');
      return 'ROLLBACK_COMPLETE';
    }
    const replacedNew: StackResource[] = [];
    let failed = false;
    for (const { previous, now } of [...updated].reverse()) {
      if (this.options.replacementRollback === 'delete-new' && now.physicalId !== previous.physicalId) {
        this.resources.set(now.logicalId, previous);
        replacedNew.push(now);
        continue;
      }
      const response = await this.cfn.send({
        RequestType: 'Update',
        ResourceType: now.type,
        RequestId: randomUUID(),
        LogicalResourceId: now.logicalId,
        PhysicalResourceId: now.physicalId,
        ResourceProperties: previous.properties,
        OldResourceProperties: now.properties,
      }, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
      requests.push(played('rollback', 'Update', now.logicalId, now.physicalId, response));
      if (response.Status === 'FAILED') {
        failed = true;
        continue;
      }
      this.resources.set(now.logicalId, { ...previous, physicalId: response.PhysicalResourceId, data: response.Data ?? previous.data });
      if (response.PhysicalResourceId !== now.physicalId) {
        replacedNew.push(now);
      }
    }
    if (failed) {
      await this.cfn.setStackStatus('UPDATE_ROLLBACK_FAILED');
      return 'UPDATE_ROLLBACK_FAILED';
    }
    for (const r of created) {
      this.resources.delete(r.logicalId);
    }
    const graph = new Map([...created, ...updated.map((u) => u.now)].map((r) => [r.logicalId, r]));
    await this.deleteAll([...created, ...replacedNew], graph, 'rollback-cleanup', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', requests);
    await this.cfn.setStackStatus('UPDATE_ROLLBACK_COMPLETE');
    return 'UPDATE_ROLLBACK_COMPLETE';
  }

  /**
   * Deletes resources in reverse dependency order of `graph` (the template
   * they belong to). A failed delete is recorded and the others go on, as in
   * CloudFormation's clean-up phase.
   *
   * @returns the first failure's reason, if any
   */
  private async deleteAll(doomed: StackResource[], graph: Map<string, StackResource>, phase: PlayedRequest['phase'], stackStatus: string,
    requests: PlayedRequest[]): Promise<string | undefined> {
    const rank = new Map(dependencyOrder(new Map([...graph.values(), ...doomed].map((r) => [r.logicalId, r]))).map((id, i) => [id, i]));
    let failure: string | undefined;
    for (const r of [...doomed].sort((a, b) => rank.get(b.logicalId)! - rank.get(a.logicalId)!)) {
      const response = await this.cfn.send({
        RequestType: 'Delete',
        ResourceType: r.type,
        RequestId: randomUUID(),
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceProperties: r.properties,
      }, { stackStatus });
      requests.push(played(phase, 'Delete', r.logicalId, r.physicalId, response));
      if (response.Status === 'FAILED') {
        failure ??= `${r.logicalId}: ${response.Reason}`;
      }
    }
    return failure;
  }

  /** Replaces `Ref` and `Fn::GetAtt` of deployed custom resources with their physical ids and attributes. */
  private substitute(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.substitute(v));
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string' && this.resources.has(obj.Ref)) {
      return this.resources.get(obj.Ref)!.physicalId;
    }
    const getAtt = obj['Fn::GetAtt'] as [string, string] | undefined;
    if (Array.isArray(getAtt) && this.resources.has(getAtt[0])) {
      const data = this.resources.get(getAtt[0])!.data;
      if (!(getAtt[1] in data)) {
        throw new Error(`${getAtt[0]} has no attribute ${getAtt[1]} (it has ${Object.keys(data).join(', ')})`);
      }
      return data[getAtt[1]];
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, this.substitute(v)]));
  }
}

/** The library's custom resources of a template, with what they depend on among themselves. */
function customResources(template: DeployedTemplate): Map<string, { type: string; raw: Record<string, unknown>; dependsOn: string[] }> {
  const all = template.resources as Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>;
  const custom = Object.keys(all).filter((id) => all[id].Type.startsWith('Custom::'));
  const result = new Map<string, { type: string; raw: Record<string, unknown>; dependsOn: string[] }>();
  for (const id of custom) {
    const { ServiceToken: _token, ...raw } = all[id].Properties ?? {};
    const referenced = new Set<string>([all[id].DependsOn ?? []].flat());
    collectReferences(raw, referenced);
    result.set(id, { type: all[id].Type, raw, dependsOn: [...referenced].filter((r) => custom.includes(r) && r !== id) });
  }
  return result;
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, into));
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string') {
      into.add(obj.Ref);
    }
    if (Array.isArray(obj['Fn::GetAtt'])) {
      into.add((obj['Fn::GetAtt'] as string[])[0]);
    }
    Object.values(obj).forEach((v) => collectReferences(v, into));
  }
}

/** Logical ids, each after everything it depends on; ties in template order. Fails on a cycle. */
function dependencyOrder(resources: Map<string, { dependsOn: string[] }>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done' || !resources.has(id)) {
      return;
    }
    if (state.get(id) === 'visiting') {
      throw new Error(`Circular dependency between resources: ${[...path, id].join(' -> ')}`);
    }
    state.set(id, 'visiting');
    for (const dep of resources.get(id)!.dependsOn) {
      visit(dep, [...path, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of resources.keys()) {
    visit(id, []);
  }
  return order;
}

function played(phase: PlayedRequest['phase'], requestType: PlayedRequest['requestType'], logicalId: string, physicalId: string | undefined,
  response: CfnResponse): PlayedRequest {
  return { phase, requestType, logicalId, physicalId: physicalId ?? response.PhysicalResourceId, status: response.Status, reason: response.Reason };
}

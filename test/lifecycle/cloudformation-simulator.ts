/**
 * Plays CloudFormation's part for lifecycle tests.
 *
 * It runs the real provider-framework runtime of aws-cdk-lib
 * (custom-resources/lib/provider-framework/runtime), which in turn invokes
 * the real bundled handler asset (assets/package-version-handler) in-process
 * against moto's server. Only the framework's two outbound calls are pointed
 * elsewhere: `invokeFunction` at the handler, as Lambda would run it (with a
 * context whose remaining time really runs down), and `httpRequest` at a
 * loopback server that receives the responses CloudFormation would receive
 * on its pre-signed ResponseURL.
 *
 * The stack is a real one in moto's CloudFormation: before each request the
 * simulator sets the status CloudFormation would have while sending it (or
 * the one a test asks for), and the handler reads it with DescribeStacks.
 *
 * Requests are handled by container 0 unless they name another: each
 * container is a separate load of the framework and the handler, as a warm
 * Lambda container is, with its own module state (SDK clients, their
 * adaptive rate limiters and retry quotas). Load tests run one per slot.
 *
 * It uses no jest global, so it also runs under plain Node.js
 * (bench/calls.ts): ./containers.ts loads the containers either way.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import { Framework, loadContainer } from './containers';
import { MotoServer } from '../moto/moto-server';

/** The stack every request comes from, unless a simulator is given another name. */
export const STACK_NAME = 'LifecycleStack';
export const RESOURCE_TYPE = 'Custom::IotPackageVersion';
/**
 * The handler's credentials. Lambda hands a function its role's temporary
 * credentials in these environment variables; here they are simply different
 * from MOTO_CREDENTIALS, which the tests' own clients sign with, so that
 * moto's request log (`accessKeyId`) tells the handler's calls, the ones its
 * role must allow (test/iam), from the tests' own set-up calls.
 */
export const HANDLER_CREDENTIALS = {
  accessKeyId: 'ASIAHANDLERROLE00001',
  secretAccessKey: 'handler-role-session-secret-not-checked-by-moto',
  sessionToken: 'handler-role-session-token',
};
/** A value that must never appear in any log. */
export const RESPONSE_URL_SECRET = 'X-Amz-Signature=do-not-log-0123456789abcdef';

/** The response CloudFormation received for one request. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
  /** Size of the response body in bytes: CloudFormation accepts at most 4,096. */
  readonly bodyBytes: number;
}

type Properties = Record<string, unknown>;

export interface SimulatorOptions {
  /** The moto server that plays IoT and CloudFormation. */
  readonly moto: MotoServer;
  /** The stack's name. @default STACK_NAME */
  readonly stackName?: string;
  /** Remaining time the Lambda context reports when the handler starts. @default 5 minutes, the handler's timeout */
  readonly remainingTimeMs?: number;
  /** The framework's view of the handler's function name (in its log-group line). @default 'package-version-handler' */
  readonly functionName?: string;
}

/** How one request is sent. */
export interface SendOptions {
  /**
   * The stack status while CloudFormation sends the request; `null` leaves
   * it as it is. @default CREATE_IN_PROGRESS for Create, UPDATE_IN_PROGRESS
   * for Update, DELETE_IN_PROGRESS for Delete
   */
  readonly stackStatus?: string | null;
  /** Remaining time the Lambda context reports. @default the simulator's */
  readonly remainingTimeMs?: number;
  /**
   * The (warm) container that handles the request, 0 or more; a container
   * not used before is loaded first (see `loadContainers`). @default 0
   */
  readonly container?: number;
}

const DEFAULT_STATUS: Record<string, string> = {
  Create: 'CREATE_IN_PROGRESS',
  Update: 'UPDATE_IN_PROGRESS',
  Delete: 'DELETE_IN_PROGRESS',
};

export class CloudFormationSimulator {
  /** Starts the response receiver and loads the framework and the handler. */
  public static async start(options: SimulatorOptions): Promise<CloudFormationSimulator> {
    const sim = new CloudFormationSimulator(options);
    await sim.listen();
    sim.load();
    return sim;
  }

  /** Every line the handler and the framework logged. */
  public readonly logs: string[] = [];
  /** The stack's id (moto's, so it changes when moto is reset). */
  public stackId = '';
  /** The stack's name. */
  public readonly stackName: string;
  /** Number of times the handler was invoked. */
  public invocations = 0;

  private readonly server: http.Server;
  private readonly remainingTimeMs = new Map<string, number>();
  private readonly responses = new Map<string, CfnResponse>();
  private port = 0;
  private readonly containers: Framework[] = [];
  private readonly savedEnv: Record<string, string | undefined> = {};
  private readonly savedLog = console.log;

  private constructor(private readonly options: SimulatorOptions) {
    this.stackName = options.stackName ?? STACK_NAME;
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        const response = { ...JSON.parse(body), bodyBytes: Buffer.byteLength(body, 'utf8') } as CfnResponse;
        this.responses.set(response.RequestId, response);
        res.writeHead(200);
        res.end();
      });
    });
  }

  /** Sends a Create and returns CloudFormation's view of the result. */
  public create(logicalId: string, properties: Properties, requestId = randomUUID(), options: SendOptions = {}): Promise<CfnResponse> {
    return this.send({ RequestType: 'Create', RequestId: requestId, LogicalResourceId: logicalId, ResourceProperties: properties }, options);
  }

  /** Sends an Update (CloudFormation's in-place update or replacement). */
  public update(logicalId: string, physicalResourceId: string, properties: Properties, oldProperties: Properties,
    options: SendOptions = {}): Promise<CfnResponse> {
    return this.send({
      RequestType: 'Update',
      RequestId: randomUUID(),
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: properties,
      OldResourceProperties: oldProperties,
    }, options);
  }

  /** Sends a Delete. */
  public delete(logicalId: string, physicalResourceId: string, properties: Properties, options: SendOptions = {}): Promise<CfnResponse> {
    return this.send({
      RequestType: 'Delete',
      RequestId: randomUUID(),
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: properties,
    }, options);
  }

  /**
   * Sets the stack's status (creating the stack in moto if needed).
   * `recreate` deletes the stack first, as when a stack is deleted and
   * deployed again under the same name: it gets a new id.
   */
  public async setStackStatus(status: string, options: { recreate?: boolean } = {}): Promise<void> {
    this.stackId = await this.options.moto.setStackStatus(this.stackName, status, options);
  }

  /** Sends any event through the framework, as CloudFormation would. */
  public async send(partial: Record<string, unknown>, options: SendOptions = {}): Promise<CfnResponse> {
    const requestId = partial.RequestId as string;
    const status = options.stackStatus === undefined ? DEFAULT_STATUS[partial.RequestType as string] : options.stackStatus;
    if (status) {
      await this.setStackStatus(status);
    }
    const remainingMs = options.remainingTimeMs ?? this.options.remainingTimeMs ?? 5 * 60_000;
    const properties = { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent', ...(partial.ResourceProperties as Properties) };
    const event = {
      ServiceToken: properties.ServiceToken,
      ResponseURL: `http://127.0.0.1:${this.port}/cfn-response/${requestId}?${RESPONSE_URL_SECRET}`,
      StackId: this.stackId,
      ResourceType: RESOURCE_TYPE,
      ...partial,
      ResourceProperties: stringifyScalars(properties),
      ...(partial.OldResourceProperties ? { OldResourceProperties: stringifyScalars(partial.OldResourceProperties as Properties) } : {}),
    };
    this.responses.delete(requestId);
    this.remainingTimeMs.set(requestId, remainingMs);
    this.loadContainers((options.container ?? 0) + 1);
    await this.containers[options.container ?? 0].onEvent(event);
    const response = this.responses.get(requestId);
    if (!response) {
      throw new Error(`The framework sent no response for request ${requestId}`);
    }
    return response;
  }

  /**
   * Loads containers until there are `count`, as Lambda starts one per
   * request in flight: a load test loads them before it starts the clock.
   */
  public loadContainers(count: number): void {
    while (this.containers.length < count) {
      this.containers.push(this.loadContainer());
    }
  }

  /** Stops the receiver and restores the environment. */
  public async stop(): Promise<void> {
    console.log = this.savedLog;
    for (const [key, value] of Object.entries(this.savedEnv)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
  }

  private load(): void {
    this.setEnv({
      AWS_ENDPOINT_URL_IOT: this.options.moto.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.options.moto.endpoint,
      AWS_ENDPOINT_URL_S3: this.options.moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: HANDLER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: HANDLER_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: HANDLER_CREDENTIALS.sessionToken,
      AWS_PROFILE: undefined,
      USER_ON_EVENT_FUNCTION_ARN: `arn:aws:lambda:us-east-1:123456789012:function:${this.options.functionName ?? 'package-version-handler'}`,
    });
    // Keep what is logged, for the redaction tests, and keep test output quiet.
    console.log = (...args: unknown[]) => {
      this.logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    this.loadContainers(1);
  }

  /**
   * One container: the framework and the handler, as fresh module instances
   * (see ./containers.ts), as in a separate Lambda container. What the
   * containers share is one event loop (CPU), not any module state.
   */
  private loadContainer(): Framework {
    const { outbound, framework, handler } = loadContainer();
    outbound.invokeFunction = async (req: { FunctionName: string; Payload: string }) => {
      this.invocations++;
      const event = JSON.parse(req.Payload);
      // As Lambda's: the time left until the function's timeout.
      const deadline = performance.now() + (this.remainingTimeMs.get(event.RequestId) ?? 5 * 60_000);
      const context = { getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())) };
      try {
        const result = await handler(event, context);
        return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(result ?? null)) };
      } catch (e) {
        const err = e as Error;
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          Payload: Buffer.from(JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') })),
        };
      }
    };
    outbound.httpRequest = (options: http.RequestOptions, body: string) => new Promise<void>((resolve, reject) => {
      const req = http.request({ ...options, hostname: '127.0.0.1', port: this.port }, (res) => {
        res.resume();
        if (!res.statusCode || res.statusCode >= 400) {
          reject(new Error(`Unsuccessful HTTP response: ${res.statusCode}`));
        } else {
          resolve();
        }
      });
      req.on('error', reject);
      req.end(body);
    });
    return framework;
  }

  private setEnv(values: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(values)) {
      if (!(key in this.savedEnv)) {
        this.savedEnv[key] = process.env[key];
      }
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  }
}

/** CloudFormation passes every scalar property as a string. */
function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stringifyScalars);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  }
  return value === undefined || value === null ? value : String(value);
}

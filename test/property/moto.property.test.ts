/**
 * Property tests of the moto extension's own input checks
 * (test/moto/iot_package_catalog.py), through the real SDK:
 *
 * - what our rules accept, moto accepts (and gives back unchanged): the
 *   requests are built as the handler builds them;
 * - what the IoT API model rejects (botocore's service-2.json, read by
 *   ./api-model.ts; and the documented 3 KB of attributes, which moto reads
 *   as 3072 bytes) moto rejects with the model's error;
 * - what the model accepts, moto accepts, except where moto is documented
 *   to be stricter ([U] 'aws:' tag keys).
 *
 * Our rules are stricter than the model in places (see ./arbitraries.ts):
 * there only the first direction must hold, and the cases are generated on
 * both sides of both limits.
 *
 * Not generated, because they never reach moto's checks: empty package or
 * version names (the SDK refuses an empty URI label) and control characters
 * in them (moto's HTTP routing answers 404 with an HTML page). Code points
 * that are unassigned in Node's Unicode database are not expected to be
 * rejected: moto's Python knows an older Unicode version, cannot tell them
 * from characters assigned since, and accepts them ([U] which version IoT uses).
 */
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  CreatePackageVersionCommandInput,
  GetPackageVersionCommand,
  IoTClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdatePackageVersionCommand,
  UpdatePackageVersionCommandInput,
} from '@aws-sdk/client-iot';
import * as fc from 'fast-check';
import { inputProblems, problems } from './api-model';
import {
  anyText, attributeKeyCase, attributesAtLimit, attributeValueCase, descriptionCase, LIMITS, nameCase, recipeCase, s3ObjectCase, singleFieldCase,
  statusCase, tagKeyCase, tagsAtCountLimit, tagValueCase, VersionFields, versionCase,
} from './arbitraries';
import { assertAsyncProperty, assertProperty, NUM_RUNS_MOTO } from './settings';
import { callerOf, markerValue } from '../../lambda/ownership';
import { stepsBetween } from '../../lambda/version/status';
import { CREATION_MARKER_TAG, StatusValue } from '../../src/shared/contract';
import { validatePackageVersion } from '../../src/shared/validation';
import { MotoServer, motoIotClient, startMotoServer } from '../moto/moto-server';

const REQUEST_ID = '5f1c2a4e-8b3d-4c6f-9e7a-1b2c3d4e5f60';
const MARKER = markerValue(callerOf({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/1', LogicalResourceId: 'Version', RequestId: REQUEST_ID }));
/** The object version the handler would have looked up for an artifact without one. */
const RESOLVED_VERSION = 'resolved.Version-Id_1';

/** Runs per member: every member gets its share of the moto budget. */
const RUNS_PER_MEMBER = Math.ceil(NUM_RUNS_MOTO / 6);

let moto: MotoServer;
let iot: IoTClient;

beforeAll(async () => {
  moto = await startMotoServer();
  iot = motoIotClient(moto.endpoint, { maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  iot?.destroy();
  await moto?.stop();
});

// --------------------------------------------------------------------------- //
// Inputs
// --------------------------------------------------------------------------- //

/** Fields that reach CreatePackageVersion / UpdatePackageVersion / TagResource (no status, no SBOM). */
function sendable(f: VersionFields): VersionFields {
  const { status: _status, sbom: _sbom, ...rest } = f;
  return rest;
}

/** Names that reach moto's checks: non-empty, no control characters. */
const reachesMoto = (f: VersionFields) => [f.packageName, f.versionName].every((n) => n !== '' && !/\p{Cc}/u.test(n));

/** One field of valid fields replaced by any text (e.g. characters newer than moto's Unicode tables). */
const freeFormFields: fc.Arbitrary<VersionFields> = fc
  .tuple(
    singleFieldCase.filter((c) => c.invalidOurs.length === 0).map((c) => c.fields),
    fc.constantFrom('description', 'attributeKey', 'attributeValue', 'tagKey', 'tagValue', 'recipe', 'artifactKey'),
    anyText(30),
  )
  .map(([f, where, text]) => {
    switch (where) {
      case 'description': return { ...f, description: text };
      case 'attributeKey': return { ...f, attributes: { ...f.attributes, [text]: 'v' } };
      case 'attributeValue': return { ...f, attributes: { ...f.attributes, channel: text } };
      case 'tagKey': return { ...f, tags: { ...f.tags, [text]: 'v' } };
      case 'tagValue': return { ...f, tags: { ...f.tags, team: text } };
      case 'recipe': return { ...f, recipe: text };
      default: return { ...f, artifact: { bucket: 'firmware-artifacts', key: text, version: 'v1' } };
    }
  });

/** Valid fields, as they reach IoT. */
const validFields = singleFieldCase.filter((c) => c.invalidOurs.length === 0).map((c) => sendable(c.fields));

/** Each member of the requests, generated around its rules (valid or not), into otherwise valid fields. */
const MEMBERS = {
  'packageName': nameCase(LIMITS.packageName).map((c) => ({ packageName: c.value })),
  'versionName': nameCase(LIMITS.versionName).map((c) => ({ versionName: c.value })),
  'description': descriptionCase.map((c) => ({ description: c.value })),
  'an attribute key': attributeKeyCase.map((c) => ({ attributes: { [c.value]: 'v' } })),
  'an attribute value': attributeValueCase.map((c) => ({ attributes: { channel: c.value } })),
  'the attributes\' size': attributesAtLimit.map((c) => ({ attributes: c.value })),
  'a tag key': tagKeyCase.map((c) => ({ tags: { [c.value]: 'v' } })),
  'a tag value': tagValueCase.map((c) => ({ tags: { team: c.value } })),
  'the number of tags': tagsAtCountLimit.map((c) => ({ tags: c.value })),
  'recipe': recipeCase.map((c) => ({ recipe: c.value })),
  'artifact': s3ObjectCase.map((c) => ({ artifact: c.value })),
} satisfies Record<string, fc.Arbitrary<Partial<VersionFields>>>;

type Member = keyof typeof MEMBERS | 'any text anywhere' | 'several members';

function fieldsVarying(member: Member): fc.Arbitrary<VersionFields> {
  const fields = member === 'any text anywhere' ? freeFormFields
    : member === 'several members' ? versionCase.map((c) => c.fields)
      : fc.tuple(validFields, MEMBERS[member] as fc.Arbitrary<Partial<VersionFields>>).map(([f, o]) => ({ ...f, ...o }));
  return fields.map(sendable).filter(reachesMoto);
}

const CREATE_MEMBERS: Member[] = [...Object.keys(MEMBERS) as (keyof typeof MEMBERS)[], 'any text anywhere', 'several members'];
const UPDATE_MEMBERS: Member[] = CREATE_MEMBERS.filter((m) => !['packageName', 'versionName'].includes(m));

function s3Location(o: VersionFields['artifact']) {
  return o && { s3Location: { bucket: o.bucket, key: o.key, version: o.version ?? RESOLVED_VERSION } };
}

/** CreatePackageVersion as the handler sends it (lambda/aws/iot.ts, lambda/version/create.ts). */
function createInput(f: VersionFields): CreatePackageVersionCommandInput {
  return {
    packageName: f.packageName,
    versionName: f.versionName,
    description: f.description,
    attributes: f.attributes && Object.keys(f.attributes).length > 0 ? f.attributes : undefined,
    tags: { ...f.tags, [CREATION_MARKER_TAG]: MARKER },
    artifact: s3Location(f.artifact),
    recipe: f.recipe,
    clientToken: REQUEST_ID,
  };
}

/** UpdatePackageVersion of a DRAFT as the handler sends it (lambda/version/reconcile.ts): the whole attribute map. */
function updateInput(packageName: string, versionName: string, f: VersionFields): UpdatePackageVersionCommandInput {
  return { packageName, versionName, description: f.description, attributes: f.attributes, artifact: s3Location(f.artifact), recipe: f.recipe };
}

// --------------------------------------------------------------------------- //
// Oracles
// --------------------------------------------------------------------------- //

/** The documented limit the model has no trait for: "3KB" of attributes, which moto reads as 3072 bytes ([U]). */
function attributeSizeProblems(attributes: Record<string, string> | undefined): string[] {
  const bytes = Object.entries(attributes ?? {}).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  return bytes > 3072 ? [`attributes: ${bytes} bytes > 3072`] : [];
}

const isNoncharacter = (cp: number) => (cp >= 0xfdd0 && cp <= 0xfdef) || cp % 0x10000 >= 0xfffe;

/** Code points unassigned in Node's Unicode tables, other than noncharacters: moto cannot tell them from newer characters. */
function hasUnassigned(input: object): boolean {
  return [...JSON.stringify(input)].some((c) => /\p{Cn}/u.test(c) && !isNoncharacter(c.codePointAt(0)!));
}

/** moto is stricter than the model, by a documented [U] choice: 'aws:' tag keys are refused. */
const reservedTagKey = (tags: Record<string, string> | undefined) => Object.keys(tags ?? {}).some((k) => k.toLowerCase().startsWith('aws:'));

type Outcome = { readonly ok: true } | { readonly ok: false; readonly name: string; readonly message: string };

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { ok: true };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

/**
 * Asserts the three directions for one request: ours valid => accepted; the
 * model broken => `error`; the model kept (and moto not stricter) => accepted.
 */
function expectVerdict(result: Outcome, ours: boolean, model: readonly string[], unknowable: boolean, stricter: boolean, error: string): void {
  const got = result.ok ? 'moto accepted it' : `moto rejected it: ${result.name}: ${result.message}`;
  if (ours && !result.ok) {
    throw new Error(`Our rules accept the request, but ${got}`);
  }
  if (model.length > 0 && !unknowable && (result.ok || result.name !== error)) {
    throw new Error(`The API model rejects the request (${model.join('; ')}), expected ${error}, but ${got}`);
  }
  if (model.length === 0 && !stricter && !result.ok) {
    throw new Error(`The API model accepts the request, but ${got}`);
  }
}

/** A clean server with the package, and no artifact-existence check (inputs only). */
async function fresh(packageName: string): Promise<void> {
  await moto.reset();
  await moto.setBehaviour({ artifactCheck: false });
  if (inputProblems('CreatePackage', { packageName }).length === 0) {
    await iot.send(new CreatePackageCommand({ packageName }));
  }
}

const sortedEntries = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// --------------------------------------------------------------------------- //
// Properties
// --------------------------------------------------------------------------- //

describe('the generators', () => {
  test('label values valid for the API exactly when the model (service-2.json) accepts them', () => {
    const checked: fc.Arbitrary<[string, unknown, boolean]>[] = [
      nameCase(LIMITS.packageName).map((c) => ['PackageName', c.value, c.api]),
      nameCase(LIMITS.versionName).map((c) => ['VersionName', c.value, c.api]),
      descriptionCase.map((c) => ['ResourceDescription', c.value, c.api]),
      attributeKeyCase.map((c) => ['ResourceAttributeKey', c.value, c.api]),
      attributeValueCase.map((c) => ['ResourceAttributeValue', c.value, c.api]),
      tagKeyCase.map((c) => ['TagKey', c.value, c.api]),
      tagValueCase.map((c) => ['TagValue', c.value, c.api]),
      tagsAtCountLimit.map((c) => ['TagMap', { ...c.value, [CREATION_MARKER_TAG]: MARKER }, c.api]),
      recipeCase.map((c) => ['PackageVersionRecipe', c.value, c.api]),
      s3ObjectCase.map((c) => ['S3Location', c.value, c.api]),
      statusCase.map((c) => ['PackageVersionStatus', c.value, c.api]),
    ];
    assertProperty(fc.property(fc.oneof(...checked), ([shapeName, value, api]) => {
      const found = problems(shapeName, value, shapeName);
      expect({ shapeName, found }).toEqual({ shapeName, found: api ? [] : expect.arrayContaining([expect.any(String)]) });
    }));
  });
});

describe('CreatePackageVersion: moto accepts what our rules accept (and keeps it unchanged), rejects what the model rejects', () => {
  test.each(CREATE_MEMBERS)('varying %s', async (member) => {
    await assertAsyncProperty(fc.asyncProperty(fieldsVarying(member), async (f) => {
      const input = createInput(f);
      const model = [...inputProblems('CreatePackageVersion', input), ...attributeSizeProblems(input.attributes)];
      const ours = validatePackageVersion(f).length === 0;
      await fresh(f.packageName);
      const result = await outcome(iot.send(new CreatePackageVersionCommand(input)));
      expectVerdict(result, ours, model, hasUnassigned(input), reservedTagKey(input.tags), 'ValidationException');
      if (result.ok) {
        const got = await iot.send(new GetPackageVersionCommand({ packageName: f.packageName, versionName: f.versionName }));
        expect({ description: got.description, attributes: sortedEntries(got.attributes), recipe: got.recipe, artifact: got.artifact })
          .toEqual({ description: input.description, attributes: sortedEntries(input.attributes), recipe: input.recipe, artifact: input.artifact });
        const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: got.packageVersionArn }));
        expect(sortedEntries(Object.fromEntries((tags.tags ?? []).map((t) => [t.Key!, t.Value ?? ''])))).toEqual(sortedEntries(input.tags));
      }
    }), RUNS_PER_MEMBER);
  }, 60_000);
});

describe('UpdatePackageVersion and TagResource of a DRAFT: moto accepts what our rules accept, rejects what the model rejects', () => {
  test.each(UPDATE_MEMBERS)('varying %s', async (member) => {
    await assertAsyncProperty(fc.asyncProperty(fieldsVarying(member), async (f) => {
      const [packageName, versionName] = ['firmware', '1.0.0'];
      await fresh(packageName);
      const created = await iot.send(new CreatePackageVersionCommand(createInput({ packageName, versionName })));

      const update = updateInput(packageName, versionName, f);
      const oursUpdate = validatePackageVersion({ ...f, packageName, versionName, tags: undefined }).length === 0;
      const modelUpdate = [...inputProblems('UpdatePackageVersion', update), ...attributeSizeProblems(update.attributes)];
      const updated = await outcome(iot.send(new UpdatePackageVersionCommand(update)));
      expectVerdict(updated, oursUpdate, modelUpdate, hasUnassigned(update), false, 'ValidationException');

      if (f.tags !== undefined && Object.keys(f.tags).length > 0) {
        const tagInput = { resourceArn: created.packageVersionArn, tags: Object.entries(f.tags).map(([Key, Value]) => ({ Key, Value })) };
        const oursTags = validatePackageVersion({ tags: f.tags }).length === 0;
        const modelTags = inputProblems('TagResource', tagInput);
        const tagged = await outcome(iot.send(new TagResourceCommand(tagInput)));
        // The 50 tags are the resource's limit (LimitExceededException), not the list's: the marker is the 50th.
        const tooMany = modelTags.length === 0 && Object.keys(f.tags).filter((k) => k !== CREATION_MARKER_TAG).length + 1 > 50;
        if (tooMany) {
          expect(tagged).toMatchObject({ ok: false, name: 'LimitExceededException' });
        } else {
          expectVerdict(tagged, oursTags, modelTags, hasUnassigned(tagInput), reservedTagKey(f.tags), 'InvalidRequestException');
        }
      }
    }), RUNS_PER_MEMBER);
  }, 60_000);
});

describe('statuses', () => {
  /** Action strings around the enum: the two actions, statuses, case and whitespace variants. */
  const action = fc.constantFrom('PUBLISH', 'DEPRECATE', 'publish', 'Publish', 'PUBLISHED', 'DEPRECATED', 'DRAFT', '', ' PUBLISH', 'PUBLISH\n', 'PUBLISH\0');

  test('a valid status is reached with the handler\'s steps; an action outside the enum is a ValidationException', async () => {
    await assertAsyncProperty(fc.asyncProperty(statusCase, action, async (status, a) => {
      const [packageName, versionName] = ['firmware', '1.0.0'];
      await fresh(packageName);
      await iot.send(new CreatePackageVersionCommand(createInput({ packageName, versionName })));
      if (status.ours) {
        for (const step of stepsBetween('DRAFT', status.value as StatusValue)!) {
          await iot.send(new UpdatePackageVersionCommand({ packageName, versionName, action: step }));
        }
        const got = await iot.send(new GetPackageVersionCommand({ packageName, versionName }));
        expect(got.status).toBe(status.value);
      }
      const input = { packageName, versionName, action: a as 'PUBLISH' };
      if (inputProblems('UpdatePackageVersion', input).length > 0) {
        expect(await outcome(iot.send(new UpdatePackageVersionCommand(input)))).toMatchObject({ ok: false, name: 'ValidationException' });
      }
    }), Math.ceil(NUM_RUNS_MOTO / 3));
  }, 120_000);
});

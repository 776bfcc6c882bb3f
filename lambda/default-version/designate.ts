/**
 * What Create and Update share: make the version the package's default.
 *
 * GetPackageVersion first: a version that is missing or DRAFT is refused
 * with what to do (IoT would refuse it too, with a less helpful message).
 * Then GetPackage, and UpdatePackage only when the default is another
 * version (or none), so a retried request changes nothing twice. Before
 * that call, the package's marker tag is set to this resource, recording
 * the designation and the default it replaces (when the default is already
 * the version, only a marker naming another resource is replaced): see
 * DEFAULT_VERSION_MARKER_TAG.
 */
import type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { readDefaultMarker, writeDefaultMarker } from './marker';
import { readDesignation } from './properties';
import { parsePackageVersionArn } from '../../src/shared/contract';
import {
  ATTR_DEFAULT_PACKAGE_NAME,
  ATTR_DEFAULT_VERSION_ARN,
  ATTR_DEFAULT_VERSION_NAME,
  defaultVersionId,
  PackageDefaultVersionResponseData,
} from '../../src/shared/default-version-contract';
import { findPackage, findPackageVersion, updatePackage } from '../aws/iot';
import { log } from '../log';
import { callerOf } from '../ownership';
import { HandlerResponse } from '../response';
import { refuseUnlessRollingBack } from '../stack-status';

/** States a default version may be in. */
const DEFAULT_STATES = ['PUBLISHED', 'DEPRECATED'];

/**
 * Makes the properties' version the default of their package.
 *
 * @param refuse how a refusal ends: `throw` fails the request (Create);
 * `unlessRollingBack` fails it too, except during a rollback, where the
 * default is left as it is and the rollback goes on (Update)
 */
export async function designate(
  event: CloudFormationCustomResourceCreateEvent | CloudFormationCustomResourceUpdateEvent,
  refuse: 'throw' | 'unlessRollingBack',
): Promise<HandlerResponse & { Data: PackageDefaultVersionResponseData }> {
  const { packageName, versionName, versionPackageName } = readDesignation(event.ResourceProperties);
  const version = `${packageName}/${versionName}`;
  const subject = `Cannot make package version '${version}' the default version of package '${packageName}'`;
  const refusal = async (message: string) => {
    if (refuse === 'throw') {
      throw new Error(message);
    }
    await refuseUnlessRollingBack(event.StackId, message);
  };

  if (versionPackageName !== undefined && versionPackageName !== packageName) {
    await refusal(`Cannot make version '${versionName}' of package '${versionPackageName}' the default version of package '${packageName}': ` +
      'a package\'s default version must be one of its own versions. Give PackageDefaultVersion a version of that package.');
    return response(event.StackId, packageName, versionName, '');
  }

  const live = await findPackageVersion(packageName, versionName);
  const arn = live?.packageVersionArn ?? '';
  if (!live) {
    await refusal(`${subject}: the version does not exist. Declare it as a PackageVersion with status: PackageVersionStatus.PUBLISHED ` +
      '(the default version depends on it, so it is created first), or create and publish it before this deployment.');
    return response(event.StackId, packageName, versionName, arn);
  }
  const status = live.status ?? '(unknown)';
  if (!DEFAULT_STATES.includes(status)) {
    await refusal(`${subject}: it is ${status}, and only a PUBLISHED or DEPRECATED version can be a package's default. ` +
      'Publish it first: give its PackageVersion status: PackageVersionStatus.PUBLISHED (in the same deployment is fine: ' +
      'the version is published before the default is set).');
    return response(event.StackId, packageName, versionName, arn);
  }

  const pkg = await findPackage(packageName);
  if (!pkg) {
    // The version exists, so the package did a moment ago: it was deleted since.
    await refusal(`${subject}: the package does not exist.`);
    return response(event.StackId, packageName, versionName, arn);
  }
  const packageArn = pkg.packageArn ?? packageArnOf(event.StackId, packageName, arn);
  const marker = await readDefaultMarker(packageArn);
  const { owner } = callerOf(event);
  if (pkg.defaultVersionName === versionName) {
    log('already the default version: nothing to change', { version });
    if (marker?.owner !== owner) {
      // Without another designation's marker, the package had this default
      // before: recorded as the default this resource replaced, so that its
      // removal (or a rollback) leaves it as it was.
      await writeDefaultMarker(packageArn, owner, marker?.owner, marker === undefined ? versionName : undefined);
      log('recorded this resource as the one that set the default', { version, tookOverFromAnotherResource: marker !== undefined });
    }
  } else {
    // The marker first, with the default it replaces: a retry finds it
    // written (and the default it recorded), and a rollback can put that
    // default back.
    await writeDefaultMarker(packageArn, owner, marker?.owner, pkg.defaultVersionName ?? null);
    await updatePackage({ packageName, defaultVersionName: versionName }, ['defaultVersionName']);
    log('default version set', { version, previousDefault: pkg.defaultVersionName ?? null });
  }
  return response(event.StackId, packageName, versionName, arn);
}

/** The success response: the designation's physical id, and every attribute. */
function response(
  stackId: string, packageName: string, versionName: string, versionArn: string,
): HandlerResponse & { Data: PackageDefaultVersionResponseData } {
  return {
    PhysicalResourceId: defaultVersionId(packageArnOf(stackId, packageName, versionArn), versionName),
    Data: {
      [ATTR_DEFAULT_PACKAGE_NAME]: packageName,
      [ATTR_DEFAULT_VERSION_NAME]: versionName,
      [ATTR_DEFAULT_VERSION_ARN]: versionArn,
    },
  };
}

/**
 * The package's ARN: from the version's ARN as IoT reported it, or, without
 * one, in the partition, region and account of the stack (custom resources
 * run in their stack's account and region).
 */
export function packageArnOf(stackId: string, packageName: string, versionArn: string): string {
  if (parsePackageVersionArn(versionArn)?.packageName === packageName) {
    return versionArn.replace(/\/version\/[^/]+$/, '');
  }
  const [, partition, , region, account] = stackId.split(':');
  return `arn:${partition}:iot:${region}:${account}:package/${packageName}`;
}

/**
 * IoT's account-wide settings that the package catalog needs: the fleet
 * indexing configuration and the package configuration. Each call within
 * the invocation's deadline (see send.ts), on the same client as iot.ts.
 */
import {
  GetIndexingConfigurationCommand,
  GetPackageConfigurationCommand,
  ThingIndexingConfiguration,
  UpdateIndexingConfigurationCommand,
  UpdatePackageConfigurationCommand,
  VersionUpdateByJobsConfig,
} from '@aws-sdk/client-iot';
import { iot } from './iot';
import { send } from './send';
import { now, sleep, timeLeft } from '../deadline';
import { callFailed, errorName } from '../errors';
import { log } from '../log';

/** How long a first write retries a denial while a new IAM policy (or a new role) propagates. */
export const IAM_PROPAGATION_MS = 90_000;

/** The account's thing indexing configuration (thing groups are never touched). */
export async function getThingIndexing(): Promise<ThingIndexingConfiguration | undefined> {
  try {
    const out = await send('GetIndexingConfiguration', (o) => iot.send(new GetIndexingConfigurationCommand({}), o));
    return out.thingIndexingConfiguration;
  } catch (e) {
    throw callFailed('GetIndexingConfiguration', 'the account\'s fleet indexing', e);
  }
}

/**
 * UpdateIndexingConfiguration with only the thing indexing configuration:
 * IoT replaces it with what is sent, and leaves the thing group
 * configuration, which is not sent, as it is.
 *
 * @param changed what the call changes, for the error message
 */
export async function updateThingIndexing(config: ThingIndexingConfiguration, changed: string[]): Promise<void> {
  try {
    await retryWhileDenied(() => send('UpdateIndexingConfiguration',
      (o) => iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: config }), o)));
  } catch (e) {
    const names = config.filter?.namedShadowNames?.length ?? 0;
    const hint = ['InvalidRequestException', 'LimitExceededException'].includes(errorName(e)) && names > 10
      ? ` (the filter names ${names} named shadows; IoT indexes 10 by default, and '$package' is said not to count: ` +
        'see "Fleet indexing limits" in the AWS IoT Device Management quotas to raise the limit)'
      : '';
    throw callFailed('UpdateIndexingConfiguration', `the account's fleet indexing (changing ${changed.join(', ')})`, e, hint);
  }
}

/** The account's package configuration: whether jobs update `$package`, and with which role. */
export async function getPackageConfiguration(): Promise<VersionUpdateByJobsConfig> {
  try {
    const out = await send('GetPackageConfiguration', (o) => iot.send(new GetPackageConfigurationCommand({}), o));
    return out.versionUpdateByJobsConfig ?? {};
  } catch (e) {
    throw callFailed('GetPackageConfiguration', 'the account\'s package configuration', e);
  }
}

/** UpdatePackageConfiguration. `clientToken` makes a retried request idempotent. */
export async function updatePackageConfiguration(config: VersionUpdateByJobsConfig, clientToken: string): Promise<void> {
  const subject = config.enabled
    ? `the account's package configuration (enabling it with role '${config.roleArn}')`
    : 'the account\'s package configuration (disabling it)';
  try {
    await retryWhileDenied(() => send('UpdatePackageConfiguration',
      (o) => iot.send(new UpdatePackageConfigurationCommand({ versionUpdateByJobsConfig: config, clientToken }), o)),
    // [U] IoT may check that it can assume a role created moments ago; IAM is eventually consistent.
    (e) => errorName(e) === 'ValidationException' && /role/i.test(String((e as Error).message)));
  } catch (e) {
    const hint = errorName(e) === 'AccessDeniedException' || errorName(e) === 'UnauthorizedException'
      ? ' (the caller needs iot:UpdatePackageConfiguration and iam:PassRole on the role, for iot.amazonaws.com)'
      : '';
    throw callFailed('UpdatePackageConfiguration', subject, e, hint);
  }
}

/**
 * Runs a write, retrying IAM's denial for a bounded time: the handler's
 * policy for it is created just before the resource, and IAM is eventually
 * consistent. `alsoRetry` names other errors to retry the same way.
 */
export async function retryWhileDenied<T>(call: () => Promise<T>, alsoRetry: (e: unknown) => boolean = () => false): Promise<T> {
  const until = now() + Math.min(IAM_PROPAGATION_MS, timeLeft());
  for (let attempt = 1, delay = 1_000; ; attempt++, delay = Math.min(delay * 2, 8_000)) {
    try {
      return await call();
    } catch (e) {
      const denied = ['AccessDeniedException', 'UnauthorizedException'].includes(errorName(e)) || alsoRetry(e);
      if (!denied || now() + delay >= until) {
        throw e;
      }
      log('IoT refused the call, maybe because a new IAM policy or role has not taken effect yet: retrying',
        { error: errorName(e), attempt, delayMs: delay });
      await sleep(delay);
    }
  }
}

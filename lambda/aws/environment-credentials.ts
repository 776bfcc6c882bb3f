/**
 * The handler's credential provider: the environment only.
 *
 * The bundle (scripts/bundle-handler.ts) puts this module in place of
 * `@aws-sdk/credential-provider-node`, whose default chain the SDK clients
 * import. In Lambda the function's role credentials are always in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so the
 * chain's other providers (profiles, SSO, web identity, container and
 * instance metadata) and the STS and SSO clients they bring would only add
 * to the asset. Without those variables a call fails with the SDK's
 * "Unable to find environment variable credentials".
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same signature as `@aws-sdk/credential-provider-node`'s `defaultProvider`. */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);

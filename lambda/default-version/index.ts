/**
 * The `Custom::IotPackageDefaultVersion` resource: which version of a
 * package is its default (the one IoT Jobs deploy for `$default`).
 *
 * Physical id: `<packageArn>/default/<versionName>` (see
 * src/shared/default-version-contract.ts). It encodes the version the
 * resource set, so a Delete knows it without trusting its properties, and
 * it changes with the version, so moving the default is a replacement.
 *
 * How the deploy orders work, each in one deployment (the designation
 * depends on its package and version):
 *
 * a. Move the default from v1 to v2 and remove v1 from the stack: the
 *    designation's Update sets v2 and returns a new id. In the clean-up
 *    phase CloudFormation deletes the old designation (v1's id) before v1,
 *    which it depended on: the default is v2, so that Delete leaves it.
 *    Then v1's Delete finds it is not the default and deletes it.
 * b. Delete the stack: the designation goes first and unsets the default
 *    (it is still its version); then the versions, then the package.
 * c. Remove only the designation: its Delete, in the clean-up phase,
 *    unsets the default; the versions stay.
 * d. Roll back a failed deployment that moved the default from v1 to v2:
 *    the rollback's Update (v1's properties, v2's id) sets v1 back and
 *    returns v1's id; the rollback's clean-up deletes the v2 designation,
 *    which finds the default is v1 and leaves it (and v2, if the failed
 *    deployment created it, is then deleted).
 * e. A default set outside the stack, on a version the stack deletes: no
 *    designation of the stack is involved, and the version's Delete refuses
 *    with instructions (lambda/version/delete.ts), except during a rollback.
 * f. Move the designation's construct within its stack (a new logical id,
 *    the same physical id): the new resource's Create finds the default set
 *    and records itself in the package's marker tag (naming the old one as
 *    previous); the old resource's Delete in the clean-up phase sees the
 *    marker name another resource and leaves the default. If that
 *    deployment rolls back, the new resource's Delete hands the marker back
 *    to the old resource instead of unsetting the default.
 *
 * Who set the default is kept in a tag on the package
 * (DEFAULT_VERSION_MARKER_TAG); without it (removed outside CloudFormation)
 * a Delete decides by the version alone.
 */
import { onCreate } from './create';
import { onDelete } from './delete';
import { onUpdate } from './update';
import { ResourceHandlers } from '../resource-handlers';

export const defaultVersionHandlers: ResourceHandlers = { onCreate, onUpdate, onDelete };

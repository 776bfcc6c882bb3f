"""moto extension: the AWS IoT Software Package Catalog (and IoT tagging of its ARNs).

moto 5.2.5 implements none of the package catalog operations, and no IoT
TagResource / UntagResource / ListTagsForResource. Importing this module patches
moto's *real* IoT implementation in place:

* the operations below become methods of ``moto.iot.responses.IoTResponse``;
  moto already routes every IoT request to ``IoTResponse.dispatch``, finds the
  botocore operation name from method + URI and calls the snake_case method of
  the same name, so nothing else in moto needs to change;
* their state lives on the ``moto.iot.models.IoTBackend`` instance of the
  request's account and region (created lazily), so ``POST /moto-api/reset``
  clears it together with everything else moto keeps.

Operations: CreatePackage, GetPackage, UpdatePackage, DeletePackage,
ListPackages, CreatePackageVersion, GetPackageVersion, UpdatePackageVersion,
DeletePackageVersion, ListPackageVersions, AssociateSbomWithPackageVersion,
DisassociateSbomFromPackageVersion, ListSbomValidationResults, and
TagResource, UntagResource,
ListTagsForResource for package and package-version ARNs (any other ARN goes to
whatever moto does for it: in 5.2.5 that is "not implemented").
GetIndexingConfiguration is already implemented by moto 5.2.5 and is left alone.

S3 objects named by a request are looked up in moto's *own* S3 backend (same
account, same region as the request; see s3_access.py), so tests create them
with an ordinary S3 client against the same server:

* an ``artifact`` of CreatePackageVersion / UpdatePackageVersion must exist
  (bucket, key and, if given, that object version), else ValidationException
  (behaviour switch ``artifactCheck``);
* AssociateSbomWithPackageVersion needs bucket, key and version to exist, and
  (switch ``sbomBucketPolicyCheck``) a bucket policy that lets the service
  principal ``iot.amazonaws.com`` read the object. The object's content is
  validated at association time: a zip whose ``.json`` members are each SPDX
  (``spdxVersion``) or CycloneDX (``"bomFormat": "CycloneDX"``). The
  version's ``sbomValidationStatus`` is IN_PROGRESS for
  ``sbomValidationSeconds`` after the association (computed when read: no
  background work), then SUCCEEDED if every result succeeded, else FAILED.

Test hooks, served by the same server process (moto's own /moto-api app):

* ``GET  /moto-api/iot-package-catalog/requests``: ``{"requests": [...]}``, one
  entry per package-catalog request, oldest first: operation, method, path, URI
  labels, clientToken, the *names* of the body fields and query parameters
  (never body values), resourceArn (tagging operations), account, region, the
  access key id that signed the request (``accessKeyId``: whose call it was,
  which is what IAM authorizes; tests tell the handler's calls from their own
  by it), and the HTTP status / error type that was returned.
* ``POST /moto-api/iot-package-catalog/faults`` with
  ``{"operation": "CreatePackageVersion", "errorType": "ThrottlingException",
  "message": "...", "count": 1}``: the next ``count`` requests of that operation
  fail with that error before touching any state (``operation`` may be ``"*"``).
  ``GET`` lists the pending faults, ``DELETE`` drops them.
* ``POST /moto-api/iot-package-catalog/holds`` with
  ``{"operation": "CreatePackageVersion", "when": "after"}``: the next request
  of that operation waits, before it touches any state or after it has
  changed it, until ``DELETE`` releases every hold (or 60 s pass). ``GET``
  lists the holds and whether a request has reached each. Tests use it to
  let one request overtake another.
* ``POST /moto-api/iot-package-catalog/behaviour`` with a JSON object of
  switches for behaviour the sources leave open; ``GET`` returns them all,
  ``DELETE`` (and moto's reset) restores the defaults:

  - ``recipeWhileDeprecated``: ``"allow"`` (default) or ``"reject"``
    (ValidationException when a DEPRECATED version's recipe is updated);
  - ``draftToDeprecated``: ``"reject"`` (default: DEPRECATE on a DRAFT is a
    ValidationException) or ``"allow"``;
  - ``sbomValidationSeconds``: how long an SBOM validation stays IN_PROGRESS
    (default 2, a number 0..3600);
  - ``sbomBucketPolicyCheck``: bool, default true;
  - ``sbomChangeWhileValidating``: ``"conflict"`` (default: associating or
    disassociating while a validation is IN_PROGRESS is a ConflictException)
    or ``"allow"`` (the change replaces the running validation);
  - ``artifactCheck``: bool, default true;
  - ``throttleRequestsPerSecond``: an integer 0..10000 (default 0: off). At
    most that many catalog requests are accepted in any one-second window
    (a sliding window over the accepted ones); any other is refused with
    ThrottlingException (HTTP 429) before it touches any state. The limit
    is one for all catalog operations, accounts and callers;
  - ``serverErrorRate``: a number 0..1 (default 0): the share of accepted
    catalog requests answered with InternalServerException (HTTP 500),
    before they touch any state, as the draws of a random generator
    seeded with ``serverErrorSeed`` (an integer, default 0) decide: the
    generator is seeded again whenever either switch is set (and on
    reset), so the same requests in the same order fail the same way.

  Throttled and failed requests are recorded in the request log like any
  other (status 429 / 500 and their errorType). Both apply to IoT catalog
  requests only (not DescribeStacks, not S3), after any injected fault.
* The request log also names the S3 locations that IoT requests point at
  (``artifactS3Location`` for CreatePackageVersion / UpdatePackageVersion with
  an artifact, ``sbomS3Location`` for AssociateSbomWithPackageVersion:
  ``{bucket, key, version}``, each null when absent), so the IAM test can
  derive the caller's ``s3:GetObjectVersion``. Locations are not sensitive;
  description, attributes and recipe are never logged.
* ``AccessDeniedException`` (HTTP 403) can be injected like IoT's own errors:
  it is what IAM's denial looks like on this API.
* cloudformation_hooks.py records DescribeStacks in the same log and lets
  tests set a stack's status; s3_hooks.py records S3 requests (HeadObject,
  GetObject, PutObject, bucket operations, ...) and lets faults be injected on
  them.
* ``POST /moto-api/reset`` (moto's own) also clears the request log, faults
  and holds (releasing any held request) and restores the default behaviour.

Environment (read at request time):

* ``MOTO_IOT_IGNORE_CLIENT_TOKEN=1``: a repeated CreatePackage /
  CreatePackageVersion always gets ConflictException, even with the same
  clientToken and parameters (i.e. behave as if the service did not implement
  idempotency).

Behaviour that the sources could not confirm (marked [U] in
shared/docs/iot-package-catalog.md) is marked ``[U]`` in the comments below,
with the choice made here.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import json
import os
import random
import re
import sys
import threading
import time
import traceback
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.iot.models import IoTBackend
from moto.iot.responses import IoTResponse
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_api._internal.models import MotoAPIBackend

import s3_access

__all__ = [
    "BEHAVIOUR_PATH", "FAULTS_PATH", "HOLDS_PATH", "OTHER_SERVICE_OPERATIONS", "REQUEST_LOG_PATH",
    "behaviour", "install", "json_response", "record_request", "take_fault",
]

REQUEST_LOG_PATH = "/moto-api/iot-package-catalog/requests"
FAULTS_PATH = "/moto-api/iot-package-catalog/faults"
HOLDS_PATH = "/moto-api/iot-package-catalog/holds"
BEHAVIOUR_PATH = "/moto-api/iot-package-catalog/behaviour"

# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #
# restJson1 errors: HTTP status from the service model, the error name in the
# X-Amzn-ErrorType header and in the body's "__type"; the AWS SDKs use that name
# as the exception class (err.name in JS). JsonRESTError (what moto's own IoT
# exceptions use) does exactly that; we only add model members such as
# ConflictException.resourceId to the body.


class PackageCatalogError(JsonRESTError):
    error_name = "InternalServerException"
    status = 500

    def __init__(self, message: str, **members: Any):
        super().__init__(self.error_name, message)
        self.code = self.status
        body = {"__type": self.error_name, "message": message}
        body.update({k: v for k, v in members.items() if v is not None})
        self.description = json.dumps(body)


# Package catalog operations (statuses as in the IoT model, §1.2 of the doc).
class ConflictException(PackageCatalogError):
    error_name, status = "ConflictException", 409


class ResourceNotFoundException(PackageCatalogError):
    error_name, status = "ResourceNotFoundException", 404


class ValidationException(PackageCatalogError):
    error_name, status = "ValidationException", 400


class ThrottlingException(PackageCatalogError):
    error_name, status = "ThrottlingException", 400


class RateExceededException(ThrottlingException):
    """The ``throttleRequestsPerSecond`` switch's refusal: a ThrottlingException
    with HTTP 429 (the IoT model gives its ThrottlingException 400, which
    injected faults keep; what the front door answers when a rate is
    exceeded is [U]; the SDK treats both as throttling, by name and by 429)."""
    status = 429


class ServiceQuotaExceededException(PackageCatalogError):
    error_name, status = "ServiceQuotaExceededException", 402  # sic, per the model


class InternalServerException(PackageCatalogError):
    error_name, status = "InternalServerException", 500


# The older IoT tagging APIs model different error shapes.
class InvalidRequestException(PackageCatalogError):
    error_name, status = "InvalidRequestException", 400


class LimitExceededException(PackageCatalogError):
    error_name, status = "LimitExceededException", 410  # sic, per the model


class AccessDeniedException(PackageCatalogError):
    # What IAM's denial looks like on a restJson1 API (HTTP 403).
    error_name, status = "AccessDeniedException", 403


class InternalFailureException(PackageCatalogError):
    error_name, status = "InternalFailureException", 500


ERRORS: dict[str, type[PackageCatalogError]] = {
    cls.error_name: cls
    for cls in (
        ConflictException,
        ResourceNotFoundException,
        ValidationException,
        ThrottlingException,
        ServiceQuotaExceededException,
        InternalServerException,
        InvalidRequestException,
        LimitExceededException,
        InternalFailureException,
        AccessDeniedException,
    )
}

# --------------------------------------------------------------------------- #
# Constraints (IoT model, §1.2 / §2 of the doc)
# --------------------------------------------------------------------------- #

# \Z, not $: Python's $ also matches before a final newline ("key\n" would pass).
NAME_RE = re.compile(r"^[a-zA-Z0-9\-_.]+\Z")  # PackageName / VersionName
ATTRIBUTE_KEY_RE = re.compile(r"^[a-zA-Z0-9:_-]+\Z")
PACKAGE_NAME_MAX = 128
VERSION_NAME_MAX = 64
DESCRIPTION_MAX = 1024
RECIPE_MAX = 3072
# "combined size of all the attributes on a package version is limited to 3KB".
# [U] whether 3KB means 3000 or 3072 and how it is measured: we reject when the
# UTF-8 bytes of all keys plus all values add up to more than 3072.
ATTRIBUTES_MAX_BYTES = 3072
TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_KEY_EXTRA_CHARS = set("_.:/=+-@")
CLIENT_TOKEN_MIN, CLIENT_TOKEN_MAX = 36, 64
# \s of the Java regex engine the service uses: [ \t\n\x0B\f\r]
JAVA_WHITESPACE = set(" \t\n\x0b\f\r")
MAX_RESULTS_MIN, MAX_RESULTS_MAX = 1, 100
# [U] the default page size of ListPackages / ListPackageVersions.
DEFAULT_MAX_RESULTS = 25

STATUS_DRAFT, STATUS_PUBLISHED, STATUS_DEPRECATED = "DRAFT", "PUBLISHED", "DEPRECATED"
STATUSES = (STATUS_DRAFT, STATUS_PUBLISHED, STATUS_DEPRECATED)
ACTION_PUBLISH, ACTION_DEPRECATE = "PUBLISH", "DEPRECATE"
SBOM_IN_PROGRESS, SBOM_FAILED, SBOM_SUCCEEDED = "IN_PROGRESS", "FAILED", "SUCCEEDED"
SBOM_VALIDATION_RESULTS = (SBOM_FAILED, SBOM_SUCCEEDED)

PACKAGE_ARN_PREFIX_RE = re.compile(r"^arn:[^:]*:iot:[^:]*:[^:]*:package/")
PACKAGE_ARN_RE = re.compile(
    r"^arn:(?P<partition>[^:]+):iot:(?P<region>[^:]+):(?P<account>[^:]+):"
    r"package/(?P<package>[^/]+)(?:/version/(?P<version>[^/]+))?$"
)


def _validation(field: str, constraint: str) -> ValidationException:
    # Mirrors the service's wording; never echoes the value (several members
    # are @sensitive).
    return ValidationException(
        f"1 validation error detected: Value at '{field}' failed to satisfy "
        f"constraint: {constraint}"
    )


def _is_noncharacter(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _unknown_here(ch: str) -> bool:
    """Unassigned in this Python's Unicode tables, but maybe not in newer ones.

    [U] Which Unicode version the service's regexes use is unknown. Python
    3.11's tables are Unicode 14.0, older than Node's, which runs this
    library's rules: a code point unassigned (Cn) here may be a letter or a
    symbol there, and those rules accept it. So only noncharacters, which
    are unassigned in every version, count as Cn; other Cn are accepted.
    """
    return unicodedata.category(ch) == "Cn" and not _is_noncharacter(ch)


def _has_control_chars(value: str) -> bool:
    # The model's pattern ^[^\p{C}]+$ (Java): no char of the Unicode "Other"
    # categories Cc, Cf, Cs, Co, Cn (see _unknown_here for Cn).
    return any(unicodedata.category(ch).startswith("C") and not _unknown_here(ch) for ch in value)


def _check_type(value: Any, kind: type, field: str, kind_name: str) -> None:
    if kind is int and isinstance(value, bool):
        raise _validation(field, f"Member must be of type {kind_name}")
    if not isinstance(value, kind):
        raise _validation(field, f"Member must be of type {kind_name}")


def _check_name(value: Any, field: str, max_len: int) -> str:
    _check_type(value, str, field, "string")
    if len(value) < 1:
        raise _validation(field, "Member must have length greater than or equal to 1")
    if len(value) > max_len:
        raise _validation(
            field, f"Member must have length less than or equal to {max_len}"
        )
    if not NAME_RE.match(value):
        raise _validation(
            field, "Member must satisfy regular expression pattern: [a-zA-Z0-9-_.]+"
        )
    return value


def _check_description(value: Any, field: str = "description") -> str:
    _check_type(value, str, field, "string")
    if len(value) > DESCRIPTION_MAX:
        raise _validation(
            field, f"Member must have length less than or equal to {DESCRIPTION_MAX}"
        )
    # Min length is 0 in the model, but the "+" pattern rejects "" (doc §1.2).
    if value == "" or _has_control_chars(value):
        raise _validation(field, "Member must satisfy regular expression pattern: [^\\p{C}]+")
    return value


def _check_attributes(value: Any, field: str = "attributes") -> dict[str, str]:
    _check_type(value, dict, field, "map")
    total = 0
    for key, val in value.items():
        if not isinstance(key, str) or len(key) < 1:
            raise _validation(
                f"{field}.key", "Member must have length greater than or equal to 1"
            )
        if not ATTRIBUTE_KEY_RE.match(key):
            raise _validation(
                f"{field}.key",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
            )
        if not isinstance(val, str):
            raise _validation(f"{field}.{key}", "Member must be of type string")
        if len(val) < 1:
            raise _validation(
                f"{field}.{key}", "Member must have length greater than or equal to 1"
            )
        if _has_control_chars(val):
            raise _validation(
                f"{field}.{key}",
                "Member must satisfy regular expression pattern: [^\\p{C}]+",
            )
        total += len(key.encode("utf-8")) + len(val.encode("utf-8"))
    if total > ATTRIBUTES_MAX_BYTES:
        raise ValidationException(
            f"The combined size of all attributes ({total} bytes) exceeds the "
            f"limit of {ATTRIBUTES_MAX_BYTES} bytes for '{field}'"
        )
    return dict(value)


def _check_artifact(value: Any, field: str = "artifact") -> dict[str, Any]:
    # Nothing in PackageVersionArtifact / S3Location is @required in the API
    # model (CloudFormation requires bucket, key and version; the API does not).
    _check_type(value, dict, field, "structure")
    result: dict[str, Any] = {}
    if value.get("s3Location") is not None:
        loc = value["s3Location"]
        _check_type(loc, dict, f"{field}.s3Location", "structure")
        out: dict[str, str] = {}
        for member in ("bucket", "key"):
            if loc.get(member) is not None:
                _check_type(loc[member], str, f"{field}.s3Location.{member}", "string")
                if len(loc[member]) < 1:
                    raise _validation(
                        f"{field}.s3Location.{member}",
                        "Member must have length greater than or equal to 1",
                    )
                out[member] = loc[member]
        if loc.get("version") is not None:
            _check_type(loc["version"], str, f"{field}.s3Location.version", "string")
            out["version"] = loc["version"]
        result["s3Location"] = out
    return result


def _check_recipe(value: Any, field: str = "recipe") -> str:
    _check_type(value, str, field, "string")
    if len(value) > RECIPE_MAX:
        raise _validation(
            field, f"Member must have length less than or equal to {RECIPE_MAX}"
        )
    return value


def _tag_key_problem(key: Any) -> str | None:
    if not isinstance(key, str):
        return "Member must be of type string"
    if len(key) < 1:
        return "Member must have length greater than or equal to 1"
    if len(key) > TAG_KEY_MAX:
        return f"Member must have length less than or equal to {TAG_KEY_MAX}"
    # ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
    for ch in key:
        if ch not in TAG_KEY_EXTRA_CHARS and unicodedata.category(ch)[0] not in "LZN" and not _unknown_here(ch):
            return (
                "Member must satisfy regular expression pattern: "
                "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
            )
    # [U] The model does not forbid "aws:" keys, but AWS reserves the prefix
    # (the CFN schema says keys "cannot be prefixed with aws:"); rejected here.
    if key.lower().startswith("aws:"):
        return "Tag keys starting with 'aws:' are reserved for AWS use"
    return None


def _tag_value_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "Member must be of type string"
    if len(value) > TAG_VALUE_MAX:
        return f"Member must have length less than or equal to {TAG_VALUE_MAX}"
    return None


def _check_tag_map(value: Any, field: str = "tags") -> dict[str, str]:
    """The TagMap of CreatePackage / CreatePackageVersion: 1..50 entries."""
    _check_type(value, dict, field, "map")
    if len(value) < 1:
        raise _validation(field, "Member must have length greater than or equal to 1")
    if len(value) > TAGS_MAX:
        raise _validation(field, f"Member must have length less than or equal to {TAGS_MAX}")
    for key, val in value.items():
        problem = _tag_key_problem(key)
        if problem:
            raise _validation(f"{field}.key", problem)
        problem = _tag_value_problem(val)
        if problem:
            raise _validation(f"{field}.{key}", problem)
    return dict(value)


def _check_client_token(value: Any) -> str:
    field = "clientToken"
    _check_type(value, str, field, "string")
    if not CLIENT_TOKEN_MIN <= len(value) <= CLIENT_TOKEN_MAX:
        raise _validation(
            field,
            f"Member must have length between {CLIENT_TOKEN_MIN} and {CLIENT_TOKEN_MAX}",
        )
    if any(ch in JAVA_WHITESPACE for ch in value):
        raise _validation(field, "Member must satisfy regular expression pattern: \\S{36,64}")
    return value


def _check_max_results(raw: str | None) -> int:
    field = "maxResults"
    if raw is None:
        return DEFAULT_MAX_RESULTS
    try:
        value = int(raw)
    except ValueError:
        raise _validation(field, "Member must be of type integer") from None
    if value < MAX_RESULTS_MIN:
        raise _validation(
            field, f"Member must have value greater than or equal to {MAX_RESULTS_MIN}"
        )
    if value > MAX_RESULTS_MAX:
        raise _validation(
            field, f"Member must have value less than or equal to {MAX_RESULTS_MAX}"
        )
    return value


def _encode_token(last_name: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_name}).encode()).decode()


def _decode_token(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
        after = data["after"]
        if not isinstance(after, str):
            raise ValueError(after)
        return after
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        # [U] the error the service gives for a bad nextToken.
        raise ValidationException("The nextToken is invalid") from None


def _paginate(items: list[Any], name_of: Callable[[Any], str], max_results: int,
              token: str | None) -> tuple[list[Any], str | None]:
    """Pages over items sorted by name; the token is the last name returned,
    so deleting items between pages neither skips nor repeats any."""
    after = _decode_token(token)
    ordered = sorted(items, key=name_of)
    if after is not None:
        ordered = [i for i in ordered if name_of(i) > after]
    page = ordered[:max_results]
    next_token = _encode_token(name_of(page[-1])) if len(ordered) > max_results else None
    return page, next_token


def _ignore_client_token() -> bool:
    return os.environ.get("MOTO_IOT_IGNORE_CLIENT_TOKEN", "").strip().lower() in (
        "1", "true", "yes", "on",
    )


# --------------------------------------------------------------------------- #
# State (one PackageCatalog per IoTBackend, i.e. per account and region)
# --------------------------------------------------------------------------- #


class PackageVersion:
    def __init__(self, package: Package, name: str, arn: str):
        self.package = package
        self.name = name
        self.arn = arn
        self.description: str | None = None
        self.attributes: dict[str, str] = {}
        self.artifact: dict[str, Any] | None = None
        self.recipe: str | None = None
        self.status = STATUS_DRAFT
        self.error_reason: str | None = None  # [U] when the service sets it; never here
        self.tags: dict[str, str] = {}
        self.creation_date = utcnow()
        self.last_modified_date = self.creation_date
        # Idempotency of CreatePackageVersion.
        self.create_client_token: str | None = None
        self.create_params: dict[str, Any] = {}
        self.create_response: dict[str, Any] = {}
        # The associated SBOM ({"s3Location": {...}}) and its validation.
        self.sbom: dict[str, Any] | None = None
        self.sbom_results: list[dict[str, Any]] = []
        self.sbom_ready_at = 0.0  # time.monotonic() when validation ends
        self.sbom_client_token: str | None = None

    def touch(self) -> None:
        self.last_modified_date = utcnow()

    def sbom_validation_status(self) -> str | None:
        """Computed when read: IN_PROGRESS until sbom_ready_at, then the verdict."""
        if self.sbom is None:
            return None
        if time.monotonic() < self.sbom_ready_at:
            return SBOM_IN_PROGRESS
        if self.sbom_results and all(
            r["validationResult"] == s3_access.SBOM_SUCCEEDED for r in self.sbom_results
        ):
            return SBOM_SUCCEEDED
        return SBOM_FAILED


class Package:
    def __init__(self, name: str, arn: str):
        self.name = name
        self.arn = arn
        self.description: str | None = None
        self.default_version_name: str | None = None
        self.tags: dict[str, str] = {}
        self.versions: OrderedDict[str, PackageVersion] = OrderedDict()
        self.creation_date = utcnow()
        self.last_modified_date = self.creation_date
        self.create_client_token: str | None = None
        self.create_params: dict[str, Any] = {}
        self.create_response: dict[str, Any] = {}

    def touch(self) -> None:
        self.last_modified_date = utcnow()


class PackageCatalog:
    def __init__(self, partition: str, region: str, account_id: str):
        self.partition = partition
        self.region = region
        self.account_id = account_id
        self.packages: OrderedDict[str, Package] = OrderedDict()

    def package_arn(self, package_name: str) -> str:
        return (
            f"arn:{self.partition}:iot:{self.region}:{self.account_id}:"
            f"package/{package_name}"
        )

    def version_arn(self, package_name: str, version_name: str) -> str:
        return f"{self.package_arn(package_name)}/version/{version_name}"


_CATALOG_ATTR = "_iot_package_catalog"


def _catalog_for(backend: IoTBackend, partition: str) -> PackageCatalog:
    # Kept in the backend's __dict__: moto's reset (BaseBackend.reset or
    # BackendDict.reset) throws the backend state away, and this with it.
    catalog = backend.__dict__.get(_CATALOG_ATTR)
    if catalog is None:
        catalog = PackageCatalog(partition, backend.region_name, backend.account_id)
        backend.__dict__[_CATALOG_ATTR] = catalog
    return catalog


# One lock for all catalog state: moto's server is threaded.
_LOCK = threading.RLock()

# --------------------------------------------------------------------------- #
# Request log and fault injection (process-wide, cleared by /moto-api/reset)
# --------------------------------------------------------------------------- #

_REQUEST_LOG: list[dict[str, Any]] = []
_FAULTS: list[dict[str, Any]] = []
_HOLDS: list[dict[str, Any]] = []
_LOG_LOCK = threading.Lock()

# Operations of other services whose requests this server records (see
# cloudformation_hooks.py, s3_hooks.py, which add theirs); their faults take
# the service's own error codes.
OTHER_SERVICE_OPERATIONS: set[str] = {"DescribeStacks"}

# A held request waits at most this long for its release.
HOLD_TIMEOUT_SECONDS = 60


# --------------------------------------------------------------------------- #
# Behaviour switches (process-wide, restored by /moto-api/reset)
# --------------------------------------------------------------------------- #

DEFAULT_BEHAVIOUR: dict[str, Any] = {
    # [U] whether the recipe of a DEPRECATED version can be updated (§3.2).
    "recipeWhileDeprecated": "allow",
    # [U] whether DEPRECATE is a valid action on a DRAFT (§3.1: not documented).
    "draftToDeprecated": "reject",
    # [U] how long the real validation takes: seconds of IN_PROGRESS.
    "sbomValidationSeconds": 2,
    # Whether AssociateSbomWithPackageVersion requires a bucket policy that lets
    # iot.amazonaws.com read the object (the docs require one; the exact
    # error is [U]).
    "sbomBucketPolicyCheck": True,
    # [U] whether an SBOM change is accepted while the previous SBOM's
    # validation is still IN_PROGRESS ("conflict": ConflictException).
    "sbomChangeWhileValidating": "conflict",
    # [U] whether real IoT checks the artifact's object synchronously.
    "artifactCheck": True,
    # Load tests: accepted catalog requests per second (0: no limit).
    "throttleRequestsPerSecond": 0,
    # Load tests: share of accepted catalog requests that fail with HTTP 500,
    # drawn from a generator seeded with serverErrorSeed.
    "serverErrorRate": 0,
    "serverErrorSeed": 0,
}
SBOM_VALIDATION_SECONDS_MAX = 3600
THROTTLE_MAX = 10000
THROTTLE_WINDOW_SECONDS = 1.0

_BEHAVIOUR: dict[str, Any] = dict(DEFAULT_BEHAVIOUR)
# When the accepted requests of the last THROTTLE_WINDOW_SECONDS arrived (monotonic).
_ACCEPTED: deque[float] = deque()
_SERVER_ERRORS = random.Random(DEFAULT_BEHAVIOUR["serverErrorSeed"])


def behaviour(name: str) -> Any:
    with _LOG_LOCK:
        return _BEHAVIOUR[name]


def _check_behaviour_value(name: str, value: Any) -> bool:
    if name == "recipeWhileDeprecated":
        return value in ("allow", "reject")
    if name == "draftToDeprecated":
        return value in ("allow", "reject")
    if name == "sbomChangeWhileValidating":
        return value in ("conflict", "allow")
    if name == "sbomValidationSeconds":
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and 0 <= value <= SBOM_VALIDATION_SECONDS_MAX)
    if name == "throttleRequestsPerSecond":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= THROTTLE_MAX
    if name == "serverErrorRate":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
    if name == "serverErrorSeed":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, bool)


def _set_behaviour(values: dict[str, Any]) -> None:
    """Sets switches (the caller holds _LOG_LOCK); restarts the throttle
    window and the error generator when their switches are named."""
    global _SERVER_ERRORS
    _BEHAVIOUR.update(values)
    if "throttleRequestsPerSecond" in values:
        _ACCEPTED.clear()
    if "serverErrorRate" in values or "serverErrorSeed" in values:
        _SERVER_ERRORS = random.Random(_BEHAVIOUR["serverErrorSeed"])


def _restore_default_behaviour() -> None:
    """The caller holds _LOG_LOCK."""
    _BEHAVIOUR.clear()
    _set_behaviour(dict(DEFAULT_BEHAVIOUR))


def _load_fault() -> PackageCatalogError | None:
    """The throttle and the random server errors, for one catalog request:
    the error to answer with instead of handling it, if any."""
    with _LOG_LOCK:
        limit = _BEHAVIOUR["throttleRequestsPerSecond"]
        if limit > 0:
            now = time.monotonic()
            while _ACCEPTED and now - _ACCEPTED[0] >= THROTTLE_WINDOW_SECONDS:
                _ACCEPTED.popleft()
            if len(_ACCEPTED) >= limit:
                return RateExceededException("Rate exceeded")
            _ACCEPTED.append(now)
        rate = _BEHAVIOUR["serverErrorRate"]
        if rate > 0 and _SERVER_ERRORS.random() < rate:
            return InternalServerException("Internal server error (injected: serverErrorRate)")
    return None


def behaviour_route(request: Any, full_url: str, headers: Any) -> Any:
    """GET: the switches; POST {name: value, ...}: sets the named ones (all or
    nothing); DELETE: restores the defaults."""
    if request.method == "GET":
        with _LOG_LOCK:
            return json_response(200, dict(_BEHAVIOUR))
    if request.method == "DELETE":
        with _LOG_LOCK:
            _restore_default_behaviour()
            return json_response(200, dict(_BEHAVIOUR))
    if request.method != "POST":
        return json_response(405, {"error": "use GET, POST or DELETE"})
    try:
        body = json.loads(request.data or b"{}")
    except ValueError:
        body = None
    usage = (
        'expected a JSON object of {recipeWhileDeprecated?: "allow"|"reject", '
        'draftToDeprecated?: "reject"|"allow", sbomValidationSeconds?: 0..'
        f'{SBOM_VALIDATION_SECONDS_MAX}, sbomBucketPolicyCheck?: boolean, '
        'sbomChangeWhileValidating?: "conflict"|"allow", artifactCheck?: boolean, '
        f'throttleRequestsPerSecond?: integer 0..{THROTTLE_MAX}, serverErrorRate?: 0..1, '
        'serverErrorSeed?: integer}'
    )
    if not isinstance(body, dict):
        return json_response(400, {"error": usage})
    bad = [k for k, v in body.items() if k not in DEFAULT_BEHAVIOUR or not _check_behaviour_value(k, v)]
    if bad:
        return json_response(400, {"error": f"invalid or unknown: {', '.join(sorted(bad))}; {usage}"})
    with _LOG_LOCK:
        _set_behaviour(body)
        return json_response(200, dict(_BEHAVIOUR))


def clear_test_hooks() -> None:
    with _LOG_LOCK:
        _REQUEST_LOG.clear()
        _FAULTS.clear()
        holds = list(_HOLDS)
        _HOLDS.clear()
        _restore_default_behaviour()
    for hold in holds:
        hold["event"].set()


def record_request(entry: dict[str, Any]) -> dict[str, Any]:
    """Appends a request to the log; the caller fills in status and errorType."""
    entry = {"service": "iot", **entry, "status": None, "errorType": None}
    with _LOG_LOCK:
        _REQUEST_LOG.append(entry)
    return entry


def take_fault(operation: str, service: str = "iot") -> dict[str, Any] | None:
    """The injected fault for this request, if any ("*" matches only catalog operations)."""
    wildcard = "*" if service == "iot" and operation not in OTHER_SERVICE_OPERATIONS else operation
    with _LOG_LOCK:
        for fault in _FAULTS:
            if fault["operation"] in (operation, wildcard):
                fault["count"] -= 1
                if fault["count"] <= 0:
                    _FAULTS.remove(fault)
                return fault
    return None


def _take_hold(operation: str, when: str) -> dict[str, Any] | None:
    with _LOG_LOCK:
        for hold in _HOLDS:
            if hold["operation"] == operation and hold["when"] == when and not hold["reached"]:
                hold["reached"] = True
                return hold
    return None


def _wait_for_release(hold: dict[str, Any] | None) -> None:
    if hold is not None:
        hold["event"].wait(HOLD_TIMEOUT_SECONDS)


def json_response(status: int, payload: Any) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload)


def requests_route(request: Any, full_url: str, headers: Any) -> Any:
    if request.method != "GET":
        return json_response(405, {"error": "use GET"})
    with _LOG_LOCK:
        return json_response(200, {"requests": copy.deepcopy(_REQUEST_LOG)})


def faults_route(request: Any, full_url: str, headers: Any) -> Any:
    if request.method == "GET":
        with _LOG_LOCK:
            return json_response(200, {"faults": copy.deepcopy(_FAULTS)})
    if request.method == "DELETE":
        with _LOG_LOCK:
            _FAULTS.clear()
        return json_response(200, {"status": "ok"})
    if request.method != "POST":
        return json_response(405, {"error": "use GET, POST or DELETE"})
    try:
        body = json.loads(request.data or b"{}")
        operation = body["operation"]
        error_type = body["errorType"]
        count = int(body.get("count", 1))
        message = body.get("message") or f"Injected {error_type}"
        other_service = operation in OTHER_SERVICE_OPERATIONS
        known = error_type in ERRORS or (
            other_service and re.fullmatch(r"[A-Za-z]+", str(error_type))
        )
        # httpStatus: only for other services' errors (IoT's come from the model).
        http_status = body.get("httpStatus")
        if http_status is not None and (
            not other_service or isinstance(http_status, bool)
            or not isinstance(http_status, int) or not 300 <= http_status <= 599
        ):
            raise ValueError()
        if not isinstance(operation, str) or not known or count < 1:
            raise ValueError()
    except (ValueError, KeyError, TypeError):
        return json_response(400, {
            "error": "expected {operation, errorType, message?, count?>=1, httpStatus?}; errorType one of "
            + ", ".join(sorted(ERRORS)) + " (any error code, and httpStatus 300..599, for "
            + ", ".join(sorted(OTHER_SERVICE_OPERATIONS)) + ")",
        })
    with _LOG_LOCK:
        _FAULTS.append({
            "operation": operation, "errorType": error_type,
            "message": message, "count": count,
            **({"httpStatus": http_status} if http_status is not None else {}),
        })
    return json_response(200, {"status": "ok"})


def holds_route(request: Any, full_url: str, headers: Any) -> Any:
    """POST {operation, when: "before"|"after"} holds the next request of that
    operation before or after it changes any state, until DELETE releases
    every hold. GET lists them, with whether a request has reached each."""
    if request.method == "GET":
        with _LOG_LOCK:
            return json_response(200, {"holds": [
                {k: v for k, v in hold.items() if k != "event"} for hold in _HOLDS
            ]})
    if request.method == "DELETE":
        with _LOG_LOCK:
            holds = list(_HOLDS)
            _HOLDS.clear()
        for hold in holds:
            hold["event"].set()
        return json_response(200, {"status": "ok"})
    if request.method != "POST":
        return json_response(405, {"error": "use GET, POST or DELETE"})
    try:
        body = json.loads(request.data or b"{}")
        operation = body["operation"]
        when = body.get("when", "after")
        if not isinstance(operation, str) or when not in ("before", "after"):
            raise ValueError()
    except (ValueError, KeyError, TypeError):
        return json_response(400, {"error": 'expected {operation, when?: "before"|"after"}'})
    with _LOG_LOCK:
        _HOLDS.append({"operation": operation, "when": when, "reached": False, "event": threading.Event()})
    return json_response(200, {"status": "ok"})


# --------------------------------------------------------------------------- #
# Response methods
# --------------------------------------------------------------------------- #


def _query(resp: IoTResponse) -> dict[str, list[str]]:
    # Not resp.querystring: for a request without a query string moto fills
    # that from the body or even the headers.
    return parse_qs(resp.parsed_url.query, keep_blank_values=True)


def _query_param(resp: IoTResponse, name: str) -> str | None:
    values = _query(resp).get(name)
    return values[0] if values else None


def _body(resp: IoTResponse) -> dict[str, Any]:
    raw = resp.body
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ValidationException("The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise ValidationException("The request body must be a JSON object")
    return parsed


def _label(resp: IoTResponse, name: str) -> str:
    return resp.uri_match.get(name, "")


def _logged_location(holder: Any) -> dict[str, str | None] | None:
    """{bucket, key, version} of holder.s3Location as sent (non-strings as null)."""
    loc = holder.get("s3Location") if isinstance(holder, dict) else None
    if not isinstance(loc, dict):
        return None
    return {m: loc[m] if isinstance(loc.get(m), str) else None for m in ("bucket", "key", "version")}


def _logged_locations(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """The S3 locations a request names, for the request log (not sensitive)."""
    if operation in ("CreatePackageVersion", "UpdatePackageVersion"):
        loc = _logged_location(body.get("artifact"))
        return {"artifactS3Location": loc} if loc is not None else {}
    if operation == "AssociateSbomWithPackageVersion":
        loc = _logged_location(body.get("sbom"))
        return {"sbomS3Location": loc} if loc is not None else {}
    return {}


def _catalog_operation(operation: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Records the request, applies injected faults, the throttle and random
    server errors (in that order, all before any state is touched),
    serialises access to the state and turns unexpected Python errors into
    InternalServerException."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(self: IoTResponse) -> Any:
            try:
                body = _body(self)
            except ValidationException:
                body = {}
            body_fields = sorted(body.keys())
            query = _query(self)
            entry = record_request({
                "operation": operation,
                "method": self.method,
                "path": self.parsed_url.path,
                "uriLabels": dict(self.uri_match),
                "clientToken": _query_param(self, "clientToken"),
                "bodyFields": body_fields,
                "queryParams": sorted(query.keys()),
                "accountId": self.current_account,
                "region": self.region,
                "accessKeyId": self.get_access_key(),
                **({"resourceArn": _resource_arn_of(self)}
                   if operation in ("TagResource", "UntagResource", "ListTagsForResource") else {}),
                **_logged_locations(operation, body),
            })
            try:
                _wait_for_release(_take_hold(operation, "before"))
                fault = take_fault(operation)
                if fault is not None:
                    raise ERRORS[fault["errorType"]](fault["message"])
                load_fault = _load_fault()
                if load_fault is not None:
                    raise load_fault
                with _LOCK:
                    result = func(self, _catalog_for(self.iot_backend, self.partition))
                entry["status"] = 200
                _wait_for_release(_take_hold(operation, "after"))
                return result
            except PackageCatalogError as err:
                entry["status"], entry["errorType"] = err.code, err.error_type
                raise
            except Exception as err:  # report it as the service would
                traceback.print_exc(file=sys.stderr)
                failure = (
                    InternalFailureException
                    if operation.endswith("Resource")
                    else InternalServerException
                )
                entry["status"], entry["errorType"] = failure.status, failure.error_name
                raise failure(f"Internal error: {type(err).__name__}") from err

        return wrapper

    return decorate


def _get_package(catalog: PackageCatalog, name: str) -> Package:
    package = catalog.packages.get(name)
    if package is None:
        raise ResourceNotFoundException(f"Package {name} does not exist")
    return package


def _get_version(catalog: PackageCatalog, package_name: str, version_name: str) -> PackageVersion:
    package = catalog.packages.get(package_name)
    version = package.versions.get(version_name) if package else None
    if version is None:
        raise ResourceNotFoundException(
            f"Package version {package_name}/{version_name} does not exist"
        )
    return version


def _optional(body: dict[str, Any], name: str, check: Callable[[Any, str], Any]) -> Any:
    value = body.get(name)
    return None if value is None else check(value, name)


def _client_token(resp: IoTResponse) -> str | None:
    token = _query_param(resp, "clientToken")
    return None if token is None else _check_client_token(token)


def _is_idempotent_repeat(existing: Any, token: str | None, params: dict[str, Any]) -> bool:
    """Same clientToken as the create that made the resource, same parameters.

    [U] Whether the real service honours clientToken at all (the public CFN
    handlers say "TODO ... once idempotency is implemented for the API"). With
    MOTO_IOT_IGNORE_CLIENT_TOKEN=1 every repeat is a ConflictException, so a
    caller can be tested against both behaviours.
    """
    if _ignore_client_token() or token is None:
        return False
    return existing.create_client_token == token and existing.create_params == params


# ---- packages ---------------------------------------------------------------


@_catalog_operation("CreatePackage")
def create_package(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    name = _check_name(_label(self, "packageName"), "packageName", PACKAGE_NAME_MAX)
    params = {
        "description": _optional(body, "description", _check_description),
        "tags": _optional(body, "tags", _check_tag_map),
    }
    token = _client_token(self)
    existing = catalog.packages.get(name)
    if existing is not None:
        # [U] the brief specifies clientToken semantics for CreatePackageVersion;
        # CreatePackage (also @idempotent with a clientToken) gets the same rules.
        if _is_idempotent_repeat(existing, token, params):
            return ActionResult(copy.deepcopy(existing.create_response))
        raise ConflictException(f"Package {name} already exists", resourceId=name)
    package = Package(name, catalog.package_arn(name))
    package.description = params["description"]
    package.tags = dict(params["tags"] or {})
    package.create_client_token = token
    package.create_params = copy.deepcopy(params)
    package.create_response = {
        "packageName": name,
        "packageArn": package.arn,
        "description": package.description,
    }
    catalog.packages[name] = package
    return ActionResult(copy.deepcopy(package.create_response))


@_catalog_operation("GetPackage")
def get_package(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    name = _check_name(_label(self, "packageName"), "packageName", PACKAGE_NAME_MAX)
    package = _get_package(catalog, name)
    return ActionResult({
        "packageName": package.name,
        "packageArn": package.arn,
        "description": package.description,
        "defaultVersionName": package.default_version_name,
        "creationDate": package.creation_date,
        "lastModifiedDate": package.last_modified_date,
    })


def _check_bool(value: Any, field: str) -> bool:
    _check_type(value, bool, field, "boolean")
    return value


@_catalog_operation("UpdatePackage")
def update_package(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    name = _check_name(_label(self, "packageName"), "packageName", PACKAGE_NAME_MAX)
    description = _optional(body, "description", _check_description)
    default_version = _optional(
        body, "defaultVersionName",
        lambda v, f: _check_name(v, f, VERSION_NAME_MAX),
    )
    unset_default = _optional(body, "unsetDefaultVersion", _check_bool)
    _client_token(self)
    if default_version is not None and unset_default:
        raise ValidationException(
            "You cannot name a defaultVersionName and set unsetDefaultVersion "
            "equal to true at the same time"
        )
    package = _get_package(catalog, name)
    if default_version is not None:
        version = package.versions.get(default_version)
        if version is None:
            # [U] the real error; the model suggests ValidationException.
            raise ValidationException(
                f"defaultVersionName: package version {name}/{default_version} does not exist"
            )
        if version.status not in (STATUS_PUBLISHED, STATUS_DEPRECATED):
            raise ValidationException(
                f"defaultVersionName: package version {name}/{default_version} is in "
                f"{version.status}; only a PUBLISHED or DEPRECATED version can be the default"
            )
    if description is not None:
        package.description = description
    if default_version is not None:
        # [U] naming the version that is already the default succeeds (no change).
        package.default_version_name = default_version
    if unset_default:
        # [U] unsetting when there is no default succeeds (no change).
        package.default_version_name = None
    package.touch()
    return EmptyResult()


@_catalog_operation("DeletePackage")
def delete_package(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    name = _check_name(_label(self, "packageName"), "packageName", PACKAGE_NAME_MAX)
    _client_token(self)
    package = catalog.packages.get(name)
    if package is None:
        # [U] No ResourceNotFoundException is modelled and the operation is
        # @idempotent: deleting a missing package succeeds.
        return EmptyResult()
    if package.versions:
        # [U] exact error; DeletePackage models only Validation/Throttling/Internal.
        raise ValidationException(
            f"Package {name} still has {len(package.versions)} package version(s); "
            "all package versions must be deleted before deleting the software package"
        )
    del catalog.packages[name]
    return EmptyResult()


@_catalog_operation("ListPackages")
def list_packages(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    max_results = _check_max_results(_query_param(self, "maxResults"))
    page, next_token = _paginate(
        list(catalog.packages.values()), lambda p: p.name, max_results,
        _query_param(self, "nextToken"),
    )
    return ActionResult({
        "packageSummaries": [
            {
                "packageName": p.name,
                "defaultVersionName": p.default_version_name,
                "creationDate": p.creation_date,
                "lastModifiedDate": p.last_modified_date,
            }
            for p in page
        ],
        "nextToken": next_token,
    })


# ---- package versions -------------------------------------------------------


def _version_labels(resp: IoTResponse) -> tuple[str, str]:
    return (
        _check_name(_label(resp, "packageName"), "packageName", PACKAGE_NAME_MAX),
        _check_name(_label(resp, "versionName"), "versionName", VERSION_NAME_MAX),
    )


def _version_create_response(version: PackageVersion) -> dict[str, Any]:
    return {
        "packageVersionArn": version.arn,
        "packageName": version.package.name,
        "versionName": version.name,
        "description": version.description,
        "attributes": dict(version.attributes),
        "status": version.status,
        "errorReason": version.error_reason,
    }


def _check_artifact_object(catalog: PackageCatalog, artifact: dict[str, Any] | None) -> None:
    """With the artifactCheck switch on, the artifact's object must exist in
    moto's S3 (same account and region as the request).

    [U] Whether real IoT checks this synchronously (it may only set
    errorReason later, or not check at all) is unknown; ValidationException here.
    [U] An artifact without a version is accepted (nothing in the model
    requires it; CloudFormation does): then the current object must exist.
    [U] An s3Location without bucket or key is accepted without a check.
    """
    loc = (artifact or {}).get("s3Location")
    if not behaviour("artifactCheck") or not loc or "bucket" not in loc or "key" not in loc:
        return
    try:
        s3_access.find_object(
            catalog.account_id, catalog.partition, catalog.region,
            loc["bucket"], loc["key"], loc.get("version"), "artifact",
        )
    except s3_access.S3AccessProblem as problem:
        raise ValidationException(str(problem)) from None


@_catalog_operation("CreatePackageVersion")
def create_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    package_name, version_name = _version_labels(self)
    params = {
        "description": _optional(body, "description", _check_description),
        "attributes": _optional(body, "attributes", _check_attributes),
        "artifact": _optional(body, "artifact", _check_artifact),
        "recipe": _optional(body, "recipe", _check_recipe),
        "tags": _optional(body, "tags", _check_tag_map),
    }
    token = _client_token(self)
    package = catalog.packages.get(package_name)
    if package is None:
        # [U] No ResourceNotFoundException is modelled for CreatePackageVersion;
        # the CFN doc only says "you will receive an error". ValidationException.
        raise ValidationException(f"Package {package_name} does not exist")
    existing = package.versions.get(version_name)
    if existing is not None:
        if _is_idempotent_repeat(existing, token, params):
            return ActionResult(copy.deepcopy(existing.create_response))
        # [U] resourceId: the model only says "A resource with the same name
        # already exists"; we put the version name there.
        raise ConflictException(
            f"Package version {package_name}/{version_name} already exists",
            resourceId=version_name,
        )
    _check_artifact_object(catalog, params["artifact"])
    version = PackageVersion(
        package, version_name, catalog.version_arn(package_name, version_name)
    )
    version.description = params["description"]
    version.attributes = dict(params["attributes"] or {})
    version.artifact = params["artifact"]
    version.recipe = params["recipe"]
    version.tags = dict(params["tags"] or {})
    version.create_client_token = token
    version.create_params = copy.deepcopy(params)
    version.create_response = _version_create_response(version)
    package.versions[version_name] = version
    return ActionResult(copy.deepcopy(version.create_response))


@_catalog_operation("GetPackageVersion")
def get_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    package_name, version_name = _version_labels(self)
    version = _get_version(catalog, package_name, version_name)
    return ActionResult({
        "packageVersionArn": version.arn,
        "packageName": package_name,
        "versionName": version.name,
        "description": version.description,
        "attributes": dict(version.attributes),
        "artifact": copy.deepcopy(version.artifact),
        "status": version.status,
        "errorReason": version.error_reason,
        "creationDate": version.creation_date,
        "lastModifiedDate": version.last_modified_date,
        "recipe": version.recipe,
        "sbom": copy.deepcopy(version.sbom),
        "sbomValidationStatus": version.sbom_validation_status(),
    })


def _check_action(value: Any, field: str) -> str:
    _check_type(value, str, field, "string")
    if value not in (ACTION_PUBLISH, ACTION_DEPRECATE):
        raise _validation(
            field, "Member must satisfy enum value set: [PUBLISH, DEPRECATE]"
        )
    return value


def _new_status(version: PackageVersion, action: str) -> str:
    current = version.status
    if action == ACTION_PUBLISH and current in (STATUS_DRAFT, STATUS_DEPRECATED):
        return STATUS_PUBLISHED
    if action == ACTION_DEPRECATE and current == STATUS_PUBLISHED:
        return STATUS_DEPRECATED
    if (action == ACTION_DEPRECATE and current == STATUS_DRAFT
            and behaviour("draftToDeprecated") == "allow"):
        return STATUS_DEPRECATED
    # [U] DRAFT -> DEPRECATE is not a documented transition: rejected unless the
    # draftToDeprecated switch is "allow". PUBLISH on a PUBLISHED and DEPRECATE
    # on a DEPRECATED version are treated as invalid transitions too (not as
    # no-ops). All are ValidationException here.
    raise ValidationException(
        f"Invalid action {action} for package version "
        f"{version.package.name}/{version.name} in status {current}"
    )


@_catalog_operation("UpdatePackageVersion")
def update_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    package_name, version_name = _version_labels(self)
    description = _optional(body, "description", _check_description)
    attributes = _optional(body, "attributes", _check_attributes)
    artifact = _optional(body, "artifact", _check_artifact)
    recipe = _optional(body, "recipe", _check_recipe)
    action = _optional(body, "action", _check_action)
    _client_token(self)
    version = _get_version(catalog, package_name, version_name)
    # Field rules are checked against the state *before* the action, so a DRAFT
    # can get its final attributes and be published in one call.
    # [U] the service's error type for editing immutable fields (Validation or
    # Conflict); ValidationException here.
    for field, value in (("attributes", attributes), ("artifact", artifact)):
        if value is not None and version.status != STATUS_DRAFT:
            raise ValidationException(
                f"{field} can only be updated when the package version is in DRAFT "
                f"(package version {package_name}/{version_name} is {version.status})"
            )
    if (recipe is not None and version.status == STATUS_DEPRECATED
            and behaviour("recipeWhileDeprecated") == "reject"):
        # [U] Whether a DEPRECATED version's recipe can change: allowed unless
        # the recipeWhileDeprecated switch is "reject". Like the rules above it
        # looks at the state before this call's action.
        raise ValidationException(
            f"recipe cannot be updated when the package version is DEPRECATED "
            f"(package version {package_name}/{version_name})"
        )
    new_status = _new_status(version, action) if action is not None else None
    _check_artifact_object(catalog, artifact)
    if description is not None:
        version.description = description
    if attributes is not None:
        version.attributes = dict(attributes)  # replaces the whole map
    if artifact is not None:
        version.artifact = artifact
    if recipe is not None:
        # recipe may change in any state ([U] for DEPRECATED: see above).
        version.recipe = recipe
    if new_status is not None:
        version.status = new_status
    version.touch()
    return EmptyResult()


@_catalog_operation("DeletePackageVersion")
def delete_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    package_name, version_name = _version_labels(self)
    _client_token(self)
    package = catalog.packages.get(package_name)
    version = package.versions.get(version_name) if package else None
    if package is None or version is None:
        # [U] No ResourceNotFoundException is modelled and the operation is
        # @idempotent: deleting a missing version (or package) succeeds.
        return EmptyResult()
    if package.default_version_name == version_name:
        # [U] the real message.
        raise ValidationException(
            f"Cannot delete the default version {version_name} of package "
            f"{package_name}; unset it with UpdatePackage (unsetDefaultVersion=true) first"
        )
    del package.versions[version_name]  # its tags go with it
    return EmptyResult()


@_catalog_operation("ListPackageVersions")
def list_package_versions(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    package_name = _check_name(_label(self, "packageName"), "packageName", PACKAGE_NAME_MAX)
    status = _query_param(self, "status")
    if status is not None and status not in STATUSES:
        raise _validation(
            "status", "Member must satisfy enum value set: [DRAFT, PUBLISHED, DEPRECATED]"
        )
    max_results = _check_max_results(_query_param(self, "maxResults"))
    package = catalog.packages.get(package_name)
    # [U] No ResourceNotFoundException is modelled: a missing package lists as empty.
    versions = list(package.versions.values()) if package else []
    if status is not None:
        versions = [v for v in versions if v.status == status]
    page, next_token = _paginate(
        versions, lambda v: v.name, max_results, _query_param(self, "nextToken")
    )
    return ActionResult({
        "packageVersionSummaries": [
            {
                "packageName": package_name,
                "versionName": v.name,
                "status": v.status,
                "creationDate": v.creation_date,
                "lastModifiedDate": v.last_modified_date,
            }
            for v in page
        ],
        "nextToken": next_token,
    })


# ---- SBOM ---------------------------------------------------------------------


def _sbom_response(version: PackageVersion) -> dict[str, Any]:
    return {
        "packageName": version.package.name,
        "versionName": version.name,
        "sbom": copy.deepcopy(version.sbom),
        "sbomValidationStatus": version.sbom_validation_status(),
    }


def _sbom_object(catalog: PackageCatalog, loc: dict[str, Any]) -> Any:
    """The SBOM's object in moto's S3, checked as IoT would read it."""
    bucket_name, key, object_version = loc["bucket"], loc["key"], loc["version"]
    try:
        bucket, obj = s3_access.find_object(
            catalog.account_id, catalog.partition, catalog.region,
            bucket_name, key, object_version, "SBOM", require_versioned_bucket=True,
        )
    except s3_access.S3AccessProblem as problem:
        # [U] real IoT's error for a missing bucket, object or version.
        raise ValidationException(str(problem)) from None
    if behaviour("sbomBucketPolicyCheck"):
        allowed, why = s3_access.iot_may_read(bucket, key)
        if not allowed:
            # [U] the real error (IoT reads the SBOM as iot.amazonaws.com and
            # presumably fails with S3's AccessDenied): ValidationException here.
            raise ValidationException(
                f"AWS IoT cannot read the SBOM s3://{bucket_name}/{key}: {why}. "
                f"Grant the service principal {s3_access.IOT_SERVICE_PRINCIPAL} "
                "s3:GetObject / s3:GetObjectVersion on it in the bucket policy."
            )
    return obj


@_catalog_operation("AssociateSbomWithPackageVersion")
def associate_sbom_with_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    package_name, version_name = _version_labels(self)
    if body.get("sbom") is None:
        raise _validation("sbom", "Member must not be null")
    sbom = _check_artifact(body["sbom"], "sbom")
    token = _client_token(self)
    version = _get_version(catalog, package_name, version_name)
    if (not _ignore_client_token() and token is not None
            and version.sbom_client_token == token and version.sbom == sbom):
        # [U] idempotency as for CreatePackageVersion: the same clientToken
        # and sbom again answers like the first call (with the current status).
        return ActionResult(_sbom_response(version))
    loc = sbom.get("s3Location")
    if loc is None:
        # [U] the model requires no member of Sbom; without a location there
        # is nothing to validate.
        raise ValidationException("S3 location for SBOM cannot be null")
    if loc.get("version") is None:
        raise ValidationException("S3 object version for SBOM cannot be null")  # docs' wording
    for member in ("bucket", "key"):
        if loc.get(member) is None:
            raise ValidationException(f"S3 {member} for SBOM cannot be null")  # [U] wording
    if version.sbom_validation_status() == SBOM_IN_PROGRESS and behaviour("sbomChangeWhileValidating") == "conflict":
        # [U] A new association while the previous validation runs: the docs
        # mention a limit on ongoing validation workflows; ConflictException here.
        raise ConflictException(
            f"The SBOM validation of package version {package_name}/{version_name} "
            "is still in progress",
            resourceId=version_name,
        )
    obj = _sbom_object(catalog, loc)
    version.sbom = sbom
    version.sbom_results = s3_access.validate_sbom_content(obj.value, loc["key"])
    version.sbom_ready_at = time.monotonic() + float(behaviour("sbomValidationSeconds"))
    version.sbom_client_token = token
    version.touch()  # [U] whether association changes lastModifiedDate
    return ActionResult(_sbom_response(version))


@_catalog_operation("DisassociateSbomFromPackageVersion")
def disassociate_sbom_from_package_version(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    package_name, version_name = _version_labels(self)
    _client_token(self)
    version = _get_version(catalog, package_name, version_name)
    if version.sbom is None:
        # [U] @idempotent: disassociating when no SBOM is associated succeeds.
        return EmptyResult()
    if version.sbom_validation_status() == SBOM_IN_PROGRESS and behaviour("sbomChangeWhileValidating") == "conflict":
        # [U] as for a new association: ConflictException while validation runs.
        raise ConflictException(
            f"The SBOM validation of package version {package_name}/{version_name} "
            "is still in progress",
            resourceId=version_name,
        )
    version.sbom = None
    version.sbom_results = []
    version.sbom_ready_at = 0.0
    version.sbom_client_token = None
    version.touch()
    return EmptyResult()


@_catalog_operation("ListSbomValidationResults")
def list_sbom_validation_results(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    package_name, version_name = _version_labels(self)
    wanted = _query_param(self, "validationResult")
    if wanted is not None and wanted not in SBOM_VALIDATION_RESULTS:
        raise _validation(
            "validationResult", "Member must satisfy enum value set: [FAILED, SUCCEEDED]"
        )
    max_results = _check_max_results(_query_param(self, "maxResults"))
    version = _get_version(catalog, package_name, version_name)
    # [U] No SBOM: an empty list. While validation is IN_PROGRESS the results
    # are not available yet: also an empty list.
    results: list[dict[str, Any]] = []
    if version.sbom is not None and version.sbom_validation_status() != SBOM_IN_PROGRESS:
        # The sort key keeps pages stable even if a zip repeats a file name.
        results = [
            {**r, "_sort": f"{r['fileName']}\x00{i:06d}"}
            for i, r in enumerate(version.sbom_results)
            if wanted is None or r["validationResult"] == wanted
        ]
    page, next_token = _paginate(
        results, lambda r: r["_sort"], max_results, _query_param(self, "nextToken")
    )
    return ActionResult({
        "validationResultSummaries": [
            {k: v for k, v in r.items() if k != "_sort"} for r in page
        ],
        "nextToken": next_token,
    })


# ---- tagging ----------------------------------------------------------------


def _resource_arn_of(resp: IoTResponse) -> str | None:
    if resp.method == "GET":  # ListTagsForResource: ?resourceArn=
        return _query_param(resp, "resourceArn")
    try:
        value = _body(resp).get("resourceArn")
    except ValidationException:
        return None
    return value if isinstance(value, str) else None


def _is_package_arn(arn: Any) -> bool:
    return isinstance(arn, str) and bool(PACKAGE_ARN_PREFIX_RE.match(arn))


def _tagged_resource(catalog: PackageCatalog, arn: Any) -> Package | PackageVersion:
    match = PACKAGE_ARN_RE.match(arn) if isinstance(arn, str) else None
    resource: Package | PackageVersion | None = None
    if (
        match
        and match["partition"] == catalog.partition
        and match["region"] == catalog.region
        and match["account"] == catalog.account_id
    ):
        package = catalog.packages.get(match["package"])
        if package is not None:
            resource = (
                package.versions.get(match["version"]) if match["version"] else package
            )
    if resource is None:
        raise ResourceNotFoundException(f"Resource {arn} does not exist")
    return resource


def _check_tag_list(value: Any) -> dict[str, str]:
    if not isinstance(value, list):
        raise InvalidRequestException("tags must be a list of {Key, Value}")
    tags: dict[str, str] = {}
    for tag in value:
        if not isinstance(tag, dict) or "Key" not in tag:
            raise InvalidRequestException("Every tag needs a Key")
        problem = _tag_key_problem(tag["Key"])
        if problem:
            raise InvalidRequestException(f"Invalid tag key (tags.Key): {problem}")
        # [U] a tag without Value is stored with the empty string.
        tag_value = tag.get("Value", "")
        if tag_value is None:
            tag_value = ""
        problem = _tag_value_problem(tag_value)
        if problem:
            raise InvalidRequestException(f"Invalid tag value (tags.Value): {problem}")
        tags[tag["Key"]] = tag_value
    return tags


@_catalog_operation("TagResource")
def _tag_package_resource(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    arn = body.get("resourceArn")
    if "tags" not in body:
        raise InvalidRequestException("tags is required")
    tags = _check_tag_list(body["tags"])
    resource = _tagged_resource(catalog, arn)
    merged = {**resource.tags, **tags}
    if len(merged) > TAGS_MAX:
        # [U] TagResource models both InvalidRequestException and
        # LimitExceededException; the tag-count limit is reported as the latter.
        raise LimitExceededException(
            f"Resource {arn} would have {len(merged)} tags; the limit is {TAGS_MAX}"
        )
    resource.tags = merged
    return EmptyResult()


@_catalog_operation("UntagResource")
def _untag_package_resource(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    body = _body(self)
    arn = body.get("resourceArn")
    keys = body.get("tagKeys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise InvalidRequestException("tagKeys is required and must be a list of strings")
    for key in keys:
        if not 1 <= len(key) <= TAG_KEY_MAX:
            raise InvalidRequestException(
                f"Invalid tag key (tagKeys): length must be 1..{TAG_KEY_MAX}"
            )
    resource = _tagged_resource(catalog, arn)
    for key in keys:
        resource.tags.pop(key, None)
    return EmptyResult()


@_catalog_operation("ListTagsForResource")
def _list_package_resource_tags(self: IoTResponse, catalog: PackageCatalog) -> ActionResult:
    arn = _query_param(self, "resourceArn")
    resource = _tagged_resource(catalog, arn)
    # At most 50 tags: always one page.
    return ActionResult({
        "tags": [{"Key": k, "Value": v} for k, v in resource.tags.items()],
    })


def _tagging_entry(
    operation: str, python_name: str, ours: Callable[..., Any],
    arn_required_error: str,
) -> Callable[..., Any]:
    """TagResource & co. are generic IoT operations: handle package ARNs here and
    hand everything else to moto (its own method if it has one, otherwise
    moto's usual "not implemented")."""
    original = IoTResponse.__dict__.get(python_name)

    def method(self: IoTResponse) -> Any:
        arn = _resource_arn_of(self)
        if _is_package_arn(arn):
            return ours(self)
        if original is not None:
            return original(self)
        if arn is None:
            raise InvalidRequestException(arn_required_error)
        raise NotImplementedError(f"The {python_name} action has not been implemented")

    method.__name__ = python_name
    method.__qualname__ = f"IoTResponse.{python_name}"
    method.__doc__ = f"{operation} (package catalog ARNs via iot_package_catalog)"
    return method


# --------------------------------------------------------------------------- #
# Installation
# --------------------------------------------------------------------------- #

_OPERATIONS: dict[str, Callable[..., Any]] = {
    "create_package": create_package,
    "get_package": get_package,
    "update_package": update_package,
    "delete_package": delete_package,
    "list_packages": list_packages,
    "create_package_version": create_package_version,
    "get_package_version": get_package_version,
    "update_package_version": update_package_version,
    "delete_package_version": delete_package_version,
    "list_package_versions": list_package_versions,
    "associate_sbom_with_package_version": associate_sbom_with_package_version,
    "disassociate_sbom_from_package_version": disassociate_sbom_from_package_version,
    "list_sbom_validation_results": list_sbom_validation_results,
}

_installed = False


def install() -> None:
    """Patch moto (idempotent). Called on import."""
    global _installed
    if _installed:
        return
    for python_name, func in _OPERATIONS.items():
        if python_name in IoTResponse.__dict__:
            # Never silently shadow something a newer moto implements itself.
            raise RuntimeError(
                f"moto's IoTResponse already implements {python_name}; "
                "review test/moto/iot_package_catalog.py against this moto version"
            )
        setattr(IoTResponse, python_name, func)
    for operation, python_name, ours in (
        ("TagResource", "tag_resource", _tag_package_resource),
        ("UntagResource", "untag_resource", _untag_package_resource),
        ("ListTagsForResource", "list_tags_for_resource", _list_package_resource_tags),
    ):
        setattr(
            IoTResponse, python_name,
            _tagging_entry(operation, python_name, ours, "resourceArn is required"),
        )

    # Test hooks on moto's own /moto-api app (its url_paths are read when the
    # app is first built, i.e. on the first /moto-api request).
    moto_api_urls.url_paths["{0}" + REQUEST_LOG_PATH + "$"] = requests_route
    moto_api_urls.url_paths["{0}" + FAULTS_PATH + "$"] = faults_route
    moto_api_urls.url_paths["{0}" + HOLDS_PATH + "$"] = holds_route
    moto_api_urls.url_paths["{0}" + BEHAVIOUR_PATH + "$"] = behaviour_route

    # POST /moto-api/reset -> MotoAPIBackend.reset -> BackendDict.reset(): the
    # catalogs go with the IoT backends; clear the request log and faults too,
    # and restore the default behaviour.
    original_reset = MotoAPIBackend.reset

    @functools.wraps(original_reset)
    def reset(self: MotoAPIBackend) -> None:
        original_reset(self)
        clear_test_hooks()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]
    _installed = True


install()

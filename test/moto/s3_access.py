"""What the emulated IoT service reads from moto's own S3 backend.

Used by iot_package_catalog.py for

* the artifact check of CreatePackageVersion / UpdatePackageVersion: the
  named object (and version) must exist in moto's S3;
* AssociateSbomWithPackageVersion: the SBOM object must exist, the bucket's
  policy must let the service principal ``iot.amazonaws.com`` read it, and its
  content is validated (a zip of SPDX or CycloneDX ``.json`` files).

Everything here reads moto's in-memory S3 state directly (no HTTP request, so
nothing of it appears in the request log) and never changes it. Problems are
raised as ``S3AccessProblem`` with a message; the caller decides which IoT
error that becomes (ValidationException for all of them, [U]).

Behaviour that the sources could not confirm is marked ``[U]`` in the
comments, with the choice made here.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from moto.s3.models import FakeBucket, FakeKey, s3_backends

__all__ = [
    "IOT_SERVICE_PRINCIPAL",
    "S3AccessProblem",
    "find_object",
    "iot_may_read",
    "object_arn",
    "validate_sbom_content",
]

IOT_SERVICE_PRINCIPAL = "iot.amazonaws.com"
# [U] which action IoT's read of the SBOM is authorized as: it reads one
# object version (s3:GetObjectVersion), but the docs' example grants "s3:*".
# A statement allowing either of these is accepted.
IOT_READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")

SBOM_FAILED, SBOM_SUCCEEDED = "FAILED", "SUCCEEDED"
INCOMPATIBLE_FORMAT = "INCOMPATIBLE_FORMAT"


class S3AccessProblem(Exception):
    """The object cannot be used; ``str(err)`` is the message for the caller."""


def object_arn(partition: str, bucket: str, key: str) -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def _location(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def find_bucket(account_id: str, partition: str, name: str) -> FakeBucket | None:
    # [U] Only buckets of the caller's own account are found: whether IoT can
    # use a bucket of another account (with a bucket policy) is not modelled.
    return s3_backends[account_id][partition].buckets.get(name)


def find_object(
    account_id: str, partition: str, region: str, bucket_name: str, key: str,
    version: str | None, what: str, require_versioned_bucket: bool = False,
) -> tuple[FakeBucket, FakeKey]:
    """The object (that exact version, or the current one if ``version`` is
    None) in the bucket of that name, which must be in ``region``."""
    location = _location(bucket_name, key)
    bucket = find_bucket(account_id, partition, bucket_name)
    if bucket is None:
        raise S3AccessProblem(f"The S3 bucket {bucket_name} of the {what} {location} does not exist")
    if bucket.region_name != region:
        # The wording of the docs' error list (the %s is [U]).
        raise S3AccessProblem(
            f"Cross-region S3 bucket for {location} is not supported. "
            f"(The bucket is in {bucket.region_name}, the request in {region}.)"
        )
    if require_versioned_bucket and bucket.versioning_status is None:
        # The docs: the SBOM must be in a versioned bucket. [U] the real error;
        # a bucket whose versioning was suspended still counts as versioned.
        raise S3AccessProblem(
            f"The {what} {location} must be in a versioned S3 bucket; "
            f"bucket {bucket_name} has never had versioning enabled"
        )
    found: Any = None
    if version is None:
        if key in bucket.keys:
            found = bucket.keys[key]
    else:
        for candidate in bucket.keys.getlist(key, default=[]):
            if str(candidate.version_id) == version:
                found = candidate
                break
    # A delete marker (FakeDeleteMarker) is no object.
    if not isinstance(found, FakeKey):
        if version is None:
            raise S3AccessProblem(f"The {what} {location} does not exist")
        raise S3AccessProblem(f"The {what} {location} has no object version {version}")
    return bucket, found


# --------------------------------------------------------------------------- #
# Bucket policy: may iot.amazonaws.com read the object?
# --------------------------------------------------------------------------- #


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, ignore_case: bool) -> bool:
    # IAM wildcards: "*" any run of characters (also "/"), "?" one character.
    # Nothing else is special (unlike fnmatch's [...]).
    regex = "".join(
        ".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern
    )
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _names_iot(principal: Any) -> bool:
    # [U] "*" (anyone) and {"AWS": "*"} include the service principal too.
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    if IOT_SERVICE_PRINCIPAL in _as_list(principal.get("Service")):
        return True
    return "*" in _as_list(principal.get("AWS"))


def _statement_applies(statement: dict[str, Any], arn: str) -> bool:
    # [U] Statements with NotPrincipal / NotAction / NotResource are not
    # evaluated (they never apply here), and Condition blocks are ignored:
    # a statement applies whatever its conditions say.
    if any(k in statement for k in ("NotPrincipal", "NotAction", "NotResource")):
        return False
    if not _names_iot(statement.get("Principal")):
        return False
    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    if not any(_wildcard(a, wanted, True) for a in actions for wanted in IOT_READ_ACTIONS):
        return False
    resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
    return any(_wildcard(r, arn, False) for r in resources)


def iot_may_read(bucket: FakeBucket, key: str) -> tuple[bool, str]:
    """Whether the bucket policy lets iot.amazonaws.com read the object, and why not."""
    arn = object_arn(bucket.partition, bucket.name, key)
    if bucket.policy is None:
        return False, f"bucket {bucket.name} has no bucket policy"
    try:
        policy = json.loads(bucket.policy.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False, f"the policy of bucket {bucket.name} is not valid JSON"
    statements = [s for s in _as_list(policy.get("Statement") if isinstance(policy, dict) else None)
                  if isinstance(s, dict)]
    applying = [s for s in statements if _statement_applies(s, arn)]
    if any(s.get("Effect") == "Deny" for s in applying):
        return False, (
            f"the policy of bucket {bucket.name} denies {IOT_SERVICE_PRINCIPAL} "
            f"reading {arn}"
        )
    if any(s.get("Effect") == "Allow" for s in applying):
        return True, ""
    return False, (
        f"the policy of bucket {bucket.name} has no statement that allows "
        f"principal {{\"Service\": \"{IOT_SERVICE_PRINCIPAL}\"}} "
        f"{' or '.join(IOT_READ_ACTIONS)} on {arn}"
    )


# --------------------------------------------------------------------------- #
# SBOM content
# --------------------------------------------------------------------------- #


def _result(file_name: str, problem: str | None) -> dict[str, Any]:
    if problem is None:
        return {"fileName": file_name, "validationResult": SBOM_SUCCEEDED}
    return {
        "fileName": file_name,
        "validationResult": SBOM_FAILED,
        "errorCode": INCOMPATIBLE_FORMAT,
        "errorMessage": problem,
    }


def _document_problem(raw: bytes) -> str | None:
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "The file is not valid UTF-8 JSON"
    if not isinstance(document, dict):
        return "The file is not a JSON object"
    # [U] The real service validates against the SPDX and CycloneDX schemas;
    # here a document is SPDX if it has "spdxVersion", CycloneDX if its
    # "bomFormat" is "CycloneDX", and nothing else is checked.
    if "spdxVersion" in document or document.get("bomFormat") == "CycloneDX":
        return None
    return (
        "The file is neither an SPDX document (no \"spdxVersion\") nor a "
        "CycloneDX document (\"bomFormat\" is not \"CycloneDX\")"
    )


def validate_sbom_content(data: bytes, key: str) -> list[dict[str, Any]]:
    """One SbomValidationResultSummary per ``.json`` member of the zip.

    [U] fileName is the member's path inside the zip; for a problem with the
    whole object (not a zip, no .json member) there is one FAILED result
    named after the object's key. Members not ending in ".json" are ignored.
    FILE_SIZE_LIMIT_EXCEEDED is never reported (the limit is unknown).
    """
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        return [_result(key, "The SBOM object is not a zip archive")]
    results: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = [
                info for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(".json")
            ]
            for info in members:
                results.append(_result(info.filename, _document_problem(archive.read(info))))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown
        # compression method.
        return [_result(key, f"The zip archive cannot be read: {err}")]
    if not results:
        return [_result(key, "The zip archive contains no .json file")]
    return results

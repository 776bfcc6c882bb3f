"""moto extension: S3 requests recorded and steerable.

The handler resolves an object's current version with S3 ``HeadObject`` (with
its own credentials); tests create buckets and upload artifacts and SBOMs with
theirs. moto implements S3; this module

* records every S3 request, object- and bucket-level, in the package-catalog
  request log: ``service: "s3"``, the operation name (HeadObject, GetObject,
  PutObject, CreateBucket, PutBucketPolicy, ...), ``bucket``, ``key``,
  ``versionId`` (the ``versionId`` query parameter, if any), ``resourceArn``
  (``arn:aws:s3:::bucket/key``, or ``arn:aws:s3:::bucket`` for bucket
  operations), account, region, the signing ``accessKeyId`` (so tests tell
  the handler's calls from their own) and the status / error code returned.
  The names of the query parameters are logged, never a body;
* applies injected faults whose ``operation`` is one of ``S3_OPERATIONS``
  (``"*"`` does not match them): the error is returned in S3's REST-XML shape
  (``<Error><Code>…</Code><Message>…</Message>…</Error>``) with the fault's
  ``httpStatus`` or the code's usual status (AccessDenied 403, NoSuchKey 404,
  ...; 400 for a code not listed in ``S3_ERROR_STATUS``).

A HEAD response has no body, so for HeadObject the AWS SDKs see only the HTTP
status: the SDK for JS v3 names a 404 ``NotFound`` and any other status
``Unknown`` (as with real S3); for other operations it reads the code from the
body. For a response without an error code in its body the log's
``errorType`` is the HTTP reason phrase without spaces (``NotFound``,
``Forbidden``, ...).

Requests are only recorded, never changed: moto's S3 answers as it always does.
"""

from __future__ import annotations

import re
import sys
import traceback
import uuid
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from moto.s3.responses import S3Response
from moto.utilities.utils import get_partition

import iot_package_catalog as catalog

# HTTP status of the S3 error codes a test is likely to inject.
S3_ERROR_STATUS = {
    "AccessDenied": 403,
    "Forbidden": 403,
    "InvalidAccessKeyId": 403,
    "SignatureDoesNotMatch": 403,
    "AllAccessDisabled": 403,
    "NoSuchKey": 404,
    "NoSuchBucket": 404,
    "NoSuchVersion": 404,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "PreconditionFailed": 412,
    "InvalidRequest": 400,
    "InvalidArgument": 400,
    "ExpiredToken": 400,
    "RequestTimeout": 400,
    "InternalError": 500,
    "ServiceUnavailable": 503,
    "SlowDown": 503,
}

# Every operation name this module can record (faults may name these).
_KEY_SUBRESOURCES = {
    "GET": [("uploadId", "ListParts"), ("acl", "GetObjectAcl"), ("tagging", "GetObjectTagging"),
            ("legal-hold", "GetObjectLegalHold"), ("retention", "GetObjectRetention"),
            ("attributes", "GetObjectAttributes")],
    "PUT": [("partNumber", "UploadPart"), ("acl", "PutObjectAcl"), ("tagging", "PutObjectTagging"),
            ("legal-hold", "PutObjectLegalHold"), ("retention", "PutObjectRetention")],
    "DELETE": [("uploadId", "AbortMultipartUpload"), ("tagging", "DeleteObjectTagging")],
    "POST": [("uploads", "CreateMultipartUpload"), ("uploadId", "CompleteMultipartUpload"),
             ("restore", "RestoreObject"), ("select", "SelectObjectContent")],
}
_KEY_DEFAULT = {"GET": "GetObject", "HEAD": "HeadObject", "PUT": "PutObject",
                "DELETE": "DeleteObject", "POST": "PostObject"}
_BUCKET_SUBRESOURCES = {
    "GET": [("versioning", "GetBucketVersioning"), ("policy", "GetBucketPolicy"),
            ("versions", "ListObjectVersions"), ("location", "GetBucketLocation"),
            ("tagging", "GetBucketTagging"), ("acl", "GetBucketAcl"),
            ("uploads", "ListMultipartUploads"), ("list-type", "ListObjectsV2")],
    "PUT": [("versioning", "PutBucketVersioning"), ("policy", "PutBucketPolicy"),
            ("tagging", "PutBucketTagging"), ("acl", "PutBucketAcl"),
            ("encryption", "PutBucketEncryption"), ("publicAccessBlock", "PutPublicAccessBlock")],
    "DELETE": [("policy", "DeleteBucketPolicy"), ("tagging", "DeleteBucketTagging"),
               ("encryption", "DeleteBucketEncryption")],
    "POST": [("delete", "DeleteObjects")],
}
_BUCKET_DEFAULT = {"GET": "ListObjects", "HEAD": "HeadBucket", "PUT": "CreateBucket",
                   "DELETE": "DeleteBucket", "POST": "PostBucket"}

S3_OPERATIONS = sorted(
    {"ListBuckets", "CopyObject", "UploadPartCopy"}
    | {name for table in (_KEY_SUBRESOURCES, _BUCKET_SUBRESOURCES) for pairs in table.values() for _, name in pairs}
    | set(_KEY_DEFAULT.values()) | set(_BUCKET_DEFAULT.values())
)


def operation_name(level: str, method: str, query: dict[str, list[str]], headers: Any) -> str:
    """The S3 API operation of a request (level "key" or "bucket")."""
    method = method.upper()
    if level == "key":
        copy_source = headers.get("x-amz-copy-source") if headers is not None else None
        if method == "PUT" and copy_source:
            return "UploadPartCopy" if "partNumber" in query else "CopyObject"
        table, default = _KEY_SUBRESOURCES, _KEY_DEFAULT
    else:
        table, default = _BUCKET_SUBRESOURCES, _BUCKET_DEFAULT
    for param, name in table.get(method, []):
        if param in query:
            return name
    return default.get(method, f"{method.capitalize()}{'Object' if level == 'key' else 'Bucket'}")


_CODE_RE = re.compile(rb"<Code>([^<]+)</Code>")


def _error_type(status: int, body: Any) -> str | None:
    if status < 400:
        return None
    if isinstance(body, str):
        body = body.encode("utf-8")
    match = _CODE_RE.search(body or b"")
    if match:
        return match.group(1).decode("utf-8", "replace")
    try:
        return HTTPStatus(status).phrase.replace(" ", "")
    except ValueError:
        return f"HTTP{status}"


def _fault_response(fault: dict[str, Any], resource: str) -> tuple[int, dict[str, str], bytes]:
    code = fault["errorType"]
    status = fault.get("httpStatus") or S3_ERROR_STATUS.get(code, 400)
    request_id = uuid.uuid4().hex[:16].upper()
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(fault['message'])}</Message>"
        f"<Resource>{escape(resource)}</Resource><RequestId>{request_id}</RequestId>"
        f"<HostId>{request_id}</HostId></Error>"
    ).encode("utf-8")
    return status, {"content-type": "application/xml", "x-amz-request-id": request_id}, body


def _recorded(original: Any, level: str) -> Any:
    def response(self: S3Response, request: Any, full_url: str, headers: Any) -> Any:
        # moto's own method runs setup_class(request) again; it only parses.
        self.setup_class(request)
        query = parse_qs(urlparse(full_url).query, keep_blank_values=True)
        bucket = self.parse_bucket_name_from_url(request, full_url) or None
        key = self.parse_key_name() if level == "key" else None
        if level == "bucket" and bucket is None:
            operation, arn = "ListBuckets", None
        else:
            operation = operation_name(level, request.method, query, request.headers)
            partition = get_partition(self.region)
            arn = f"arn:{partition}:s3:::{bucket}" + (f"/{key}" if key is not None else "")
        version_id = query.get("versionId", [None])[0]
        entry = catalog.record_request({
            "service": "s3",
            "operation": operation,
            "method": request.method,
            "path": urlparse(full_url).path,
            "uriLabels": {k: v for k, v in (("Bucket", bucket), ("Key", key)) if v is not None},
            "clientToken": None,
            "bodyFields": [],
            "queryParams": sorted(query.keys()),
            "resourceArn": arn,
            "bucket": bucket,
            "key": key,
            "versionId": version_id,
            "accountId": self.current_account,
            "region": self.region,
            "accessKeyId": self.get_access_key(),
        })
        try:
            fault = catalog.take_fault(operation, service="s3")
            if fault is not None:
                result = _fault_response(fault, urlparse(full_url).path)
            else:
                result = original(self, request, full_url, headers)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            entry["status"], entry["errorType"] = 500, "InternalError"
            raise
        status = result[0] if isinstance(result, tuple) else 200
        entry["status"] = status
        entry["errorType"] = _error_type(status, result[2] if isinstance(result, tuple) else None)
        return result

    response.__name__ = original.__name__
    return response


_installed = False


def install() -> None:
    """Patch moto (idempotent)."""
    global _installed
    if _installed:
        return
    S3Response.key_response = _recorded(S3Response.key_response, "key")  # type: ignore[method-assign]
    S3Response.bucket_response = _recorded(S3Response.bucket_response, "bucket")  # type: ignore[method-assign]
    catalog.OTHER_SERVICE_OPERATIONS.update(S3_OPERATIONS)
    _installed = True


install()

"""moto extension: IoT Jobs as the package deployment uses them.

moto 5.2.5 implements CreateJob, DescribeJob, CancelJob and DeleteJob, but
drops ``destinationPackageVersions`` and ``tags``, does not check that targets
exist, overwrites a job whose id is taken, answers CancelJob / DeleteJob of
an unknown job with HTTP 500, never advances job executions, and has no
UpdateJob. Importing this module (after iot_package_catalog, whose helpers it
uses) replaces those operations on ``moto.iot.responses.IoTResponse``:

* CreateJob: the job id must be free (ResourceAlreadyExistsException, 409);
  every target must be a thing or thing group of the request's account and
  region that exists ([U] the real error type; here ResourceNotFoundException);
  ``destinationPackageVersions`` (at most 25, else InvalidRequestException [U]):
  each must name an existing version that is PUBLISHED or DEPRECATED, or
  ``$default`` of a package that has a default (else InvalidRequestException
  [U]); a document with an artifact presigned-URL placeholder (either
  spelling) needs ``presignedUrlConfig.roleArn`` (InvalidRequestException, as
  the troubleshooting guide's message); ``tags`` are kept. The job is stored
  in moto's own backend (so ListJobs etc. see it), starts IN_PROGRESS [U],
  with one QUEUED execution per targeted thing (groups expanded to their
  things when the job is created).
* DescribeJob: moto's fields plus ``destinationPackageVersions`` and
  ``jobProcessDetails`` counted from the executions.
* UpdateJob: description, presignedUrlConfig, jobExecutionsRolloutConfig,
  abortConfig, timeoutConfig, jobExecutionsRetryConfig of a job that is
  IN_PROGRESS ([U] a finished job: InvalidRequestException here).
* CancelJob: unknown job ResourceNotFoundException; a COMPLETED job
  InvalidStateTransitionException [U]; a CANCELED one is cancelled again
  (no error, [U]). QUEUED executions become CANCELED; IN_PROGRESS ones too
  only with ``force``.
* DeleteJob: unknown job ResourceNotFoundException; IN_PROGRESS without
  ``force`` InvalidStateTransitionException.
* TagResource / UntagResource / ListTagsForResource for job ARNs (anything
  else goes on to iot_package_catalog's handling).

Test hook: ``POST /moto-api/iot-jobs/executions`` with ``{"jobId": "...",
"thingName": "...", "status": "SUCCEEDED", "account"?: ..., "region"?: ...}``
sets one execution's status (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED,
REJECTED, TIMED_OUT, REMOVED, CANCELED). Then the job's abort criteria are
evaluated as IoT documents them (an outcome's share of executed things, once
at least minNumberOfExecutedThings executed; [U] the reasonCode, here
``FAILURE_THRESHOLD``): a tripped criterion cancels the job and its queued
executions. A SNAPSHOT job whose executions all finished is COMPLETED.

Requests are recorded in iot_package_catalog's request log (operation,
labels, body field names, and for CreateJob the target and version ARNs and
the presigned-URL role, which are not sensitive; never the document) and
faults can be injected on them the same way.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import traceback
from typing import Any, Callable

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.iot.models import FakeJob, IoTBackend, iot_backends
from moto.iot.responses import IoTResponse
from moto.moto_api._internal import urls as moto_api_urls

import iot_package_catalog as catalog

EXECUTIONS_PATH = "/moto-api/iot-jobs/executions"

JOB_ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}\Z")
TARGET_RE = re.compile(
    r"^arn:(?P<partition>[^:]+):iot:(?P<region>[^:]+):(?P<account>\d{12}):(?P<kind>thing|thinggroup)/(?P<name>[a-zA-Z0-9:_-]+)\Z"
)
VERSION_ARN_RE = re.compile(
    r"^arn:[^:]+:iot:(?P<region>[^:]*):(?P<account>[^:]*):package/(?P<package>[^/]+)/version/(?P<version>[^/]+)\Z"
)
PRESIGNED_RE = re.compile(r"\$\{aws:iot:package:.*?:artifact(-location)?:s3-presigned-url\}")
MAX_DESTINATION_VERSIONS = 25
EXECUTION_STATUSES = {"QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "REMOVED", "CANCELED"}
FINISHED = {"SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "REMOVED", "CANCELED"}
COUNT_KEYS = {
    "QUEUED": "numberOfQueuedThings", "IN_PROGRESS": "numberOfInProgressThings",
    "SUCCEEDED": "numberOfSucceededThings", "FAILED": "numberOfFailedThings",
    "REJECTED": "numberOfRejectedThings", "TIMED_OUT": "numberOfTimedOutThings",
    "REMOVED": "numberOfRemovedThings", "CANCELED": "numberOfCanceledThings",
}
UPDATABLE = ("description", "presignedUrlConfig", "jobExecutionsRolloutConfig", "abortConfig", "timeoutConfig", "jobExecutionsRetryConfig")


class ResourceAlreadyExistsException(catalog.PackageCatalogError):
    error_name, status = "ResourceAlreadyExistsException", 409


class InvalidStateTransitionException(catalog.PackageCatalogError):
    error_name, status = "InvalidStateTransitionException", 409


# Injectable like the catalog's own errors.
catalog.ERRORS.update({cls.error_name: cls for cls in (ResourceAlreadyExistsException, InvalidStateTransitionException)})


class JobExtras:
    """What moto's FakeJob does not keep."""

    def __init__(self, versions: list[str], tags: dict[str, str], executions: dict[str, str]):
        self.destination_package_versions = versions
        self.tags = tags
        self.executions = executions  # thing name -> status


_EXTRAS_ATTR = "_iot_jobs_extras"


def _extras(backend: IoTBackend) -> dict[str, JobExtras]:
    extras = backend.__dict__.get(_EXTRAS_ATTR)
    if extras is None:
        extras = {}
        backend.__dict__[_EXTRAS_ATTR] = extras
    return extras


def _job(backend: IoTBackend, job_id: Any) -> tuple[FakeJob, JobExtras]:
    job = backend.jobs.get(job_id) if isinstance(job_id, str) else None
    extras = _extras(backend).get(job_id) if job is not None else None
    if job is None or extras is None:
        raise catalog.ResourceNotFoundException(f"Job {job_id} does not exist")
    return job, extras


def _process_details(extras: JobExtras) -> dict[str, Any]:
    details = {key: 0 for key in COUNT_KEYS.values()}
    for status in extras.executions.values():
        details[COUNT_KEYS[status]] += 1
    return details


def _evaluate(job: FakeJob, extras: JobExtras) -> None:
    """Abort criteria, then completion."""
    if job.status != "IN_PROGRESS":
        return
    counts = _process_details(extras)
    executed = sum(1 for s in extras.executions.values() if s in FINISHED and s != "CANCELED")
    for criterion in (job.abort_config or {}).get("criteriaList", []):
        kind = criterion.get("failureType")
        outcomes = {
            "FAILED": counts["numberOfFailedThings"],
            "REJECTED": counts["numberOfRejectedThings"],
            "TIMED_OUT": counts["numberOfTimedOutThings"],
            "ALL": counts["numberOfFailedThings"] + counts["numberOfRejectedThings"] + counts["numberOfTimedOutThings"],
        }.get(kind, 0)
        minimum = criterion.get("minNumberOfExecutedThings", 1)
        if executed >= minimum and executed > 0 and outcomes * 100.0 / executed >= float(criterion.get("thresholdPercentage", 100)):
            _cancel(job, extras, force=False, reason_code="FAILURE_THRESHOLD", comment=None)  # [U] reasonCode
            return
    if (job.target_selection or "SNAPSHOT") == "SNAPSHOT" and extras.executions and all(
        s in FINISHED for s in extras.executions.values()
    ):
        job.status = "COMPLETED"
        job.completed_at = utcnow()


def _cancel(job: FakeJob, extras: JobExtras, force: bool, reason_code: str | None, comment: str | None) -> None:
    job.status = "CANCELED"
    job.force = bool(force)
    job.reason_code = reason_code if reason_code is not None else job.reason_code
    job.comment = comment if comment is not None else job.comment
    job.last_updated_at = utcnow()
    for thing, status in list(extras.executions.items()):
        if status == "QUEUED" or (status == "IN_PROGRESS" and force):
            extras.executions[thing] = "CANCELED"


def _target_things(backend: IoTBackend, targets: Any, account: str, region: str) -> list[str]:
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
        raise catalog.InvalidRequestException("targets must be a non-empty list of thing or thing-group ARNs")
    names: list[str] = []
    for arn in targets:
        match = TARGET_RE.match(arn)
        if not match or match["account"] != account or match["region"] != region:
            raise catalog.InvalidRequestException(f"Invalid target {arn}")
        if match["kind"] == "thing":
            if arn not in backend.things:
                raise catalog.ResourceNotFoundException(f"Thing {match['name']} does not exist")  # [U] error type
            names.append(match["name"])
        else:
            group = backend.thing_groups.get(arn)
            if group is None:
                raise catalog.ResourceNotFoundException(f"Thing group {match['name']} does not exist")  # [U] error type
            names.extend(thing.thing_name for thing in group.things.values())
    return list(dict.fromkeys(names))


def _check_versions(package_catalog: catalog.PackageCatalog, versions: Any) -> list[str]:
    if versions is None:
        return []
    if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        raise catalog.InvalidRequestException("destinationPackageVersions must be a list of package version ARNs")
    if len(versions) > MAX_DESTINATION_VERSIONS:
        # [U] the error type for more than 25
        raise catalog.InvalidRequestException(
            f"destinationPackageVersions has {len(versions)} entries; at most {MAX_DESTINATION_VERSIONS} are allowed"
        )
    for arn in versions:
        match = VERSION_ARN_RE.match(arn)
        if not match or match["account"] != package_catalog.account_id or match["region"] != package_catalog.region:
            raise catalog.InvalidRequestException(f"Invalid package version ARN {arn}")
        package = package_catalog.packages.get(match["package"])
        if match["version"] == "$default":
            if package is None or package.default_version_name is None:
                # [U] the error type
                raise catalog.InvalidRequestException(f"Package {match['package']} has no default version")
            continue
        version = package.versions.get(match["version"]) if package else None
        if version is None:
            raise catalog.InvalidRequestException(f"Package version {match['package']}/{match['version']} does not exist")  # [U]
        if version.status not in (catalog.STATUS_PUBLISHED, catalog.STATUS_DEPRECATED):
            # [U] the error type; the state rule is documented (§8.1)
            raise catalog.InvalidRequestException(
                f"Package version {match['package']}/{match['version']} is {version.status}; only PUBLISHED or DEPRECATED versions can be deployed"
            )
    return list(versions)


def _logged_job_fields(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """ARNs a CreateJob names (not sensitive; never the document)."""
    if operation != "CreateJob":
        return {}
    strings = lambda v: [x for x in v if isinstance(x, str)] if isinstance(v, list) else []  # noqa: E731
    role = (body.get("presignedUrlConfig") or {}).get("roleArn") if isinstance(body.get("presignedUrlConfig"), dict) else None
    return {
        "jobTargets": strings(body.get("targets")),
        "destinationPackageVersions": strings(body.get("destinationPackageVersions")),
        "presignedUrlRoleArn": role if isinstance(role, str) else None,
        "tagged": bool(body.get("tags")),
    }


def _jobs_operation(operation: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Records the request in the catalog's log, applies injected faults and
    turns unexpected Python errors into InternalFailureException."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(self: IoTResponse) -> Any:
            try:
                body = catalog._body(self)
            except catalog.ValidationException:
                body = {}
            labels = dict(self.uri_match)
            entry = catalog.record_request({
                "operation": operation,
                "method": self.method,
                "path": self.parsed_url.path,
                "uriLabels": labels,
                "clientToken": None,
                "bodyFields": sorted(body.keys()),
                "queryParams": sorted(catalog._query(self).keys()),
                "accountId": self.current_account,
                "region": self.region,
                "accessKeyId": self.get_access_key(),
                **({"resourceArn": catalog._resource_arn_of(self)}
                   if operation in ("TagResource", "UntagResource", "ListTagsForResource") else {}),
                **_logged_job_fields(operation, body),
            })
            try:
                fault = catalog.take_fault(operation)
                if fault is not None:
                    raise catalog.ERRORS[fault["errorType"]](fault["message"])
                with catalog._LOCK:
                    result = func(self, body)
                entry["status"] = 200
                return result
            except catalog.PackageCatalogError as err:
                entry["status"], entry["errorType"] = err.code, err.error_type
                raise
            except Exception as err:
                traceback.print_exc(file=sys.stderr)
                entry["status"], entry["errorType"] = 500, "InternalFailureException"
                raise catalog.InternalFailureException(f"Internal error: {type(err).__name__}") from err

        return wrapper

    return decorate


def _catalog(self: IoTResponse) -> catalog.PackageCatalog:
    return catalog._catalog_for(self.iot_backend, self.partition)


@_jobs_operation("CreateJob")
def create_job(self: IoTResponse, body: dict[str, Any]) -> ActionResult:
    backend: IoTBackend = self.iot_backend
    job_id = catalog._label(self, "jobId")
    if not JOB_ID_RE.match(job_id):
        raise catalog.InvalidRequestException(f"Invalid jobId {job_id}")
    if job_id in backend.jobs:
        existing = backend.jobs[job_id]
        raise ResourceAlreadyExistsException(
            f"Job {job_id} already exists", resourceId=job_id, resourceArn=existing.job_arn,
        )
    things = _target_things(backend, body.get("targets"), self.current_account, self.region)
    versions = _check_versions(_catalog(self), body.get("destinationPackageVersions"))
    document = body.get("document")
    if not isinstance(document, str) and not body.get("documentSource"):
        raise catalog.InvalidRequestException("document or documentSource is required")
    presigned = body.get("presignedUrlConfig") or {}
    if isinstance(document, str) and PRESIGNED_RE.search(document) and not presigned.get("roleArn"):
        raise catalog.InvalidRequestException(
            "presignedUrlConfig role ARN is required to generate an S3 presigned url in job document"
        )
    tags = catalog._check_tag_list(body["tags"]) if body.get("tags") is not None else {}
    backend.create_job(
        job_id=job_id,
        targets=body["targets"],
        document_source=body.get("documentSource"),
        document=document,
        description=body.get("description"),
        presigned_url_config=body.get("presignedUrlConfig"),
        target_selection=body.get("targetSelection") or "SNAPSHOT",
        job_executions_rollout_config=body.get("jobExecutionsRolloutConfig"),
        document_parameters=body.get("documentParameters"),
        abort_config=body.get("abortConfig"),
        job_execution_retry_config=body.get("jobExecutionsRetryConfig"),
        scheduling_config=body.get("schedulingConfig"),
        timeout_config=body.get("timeoutConfig"),
    )
    job = backend.jobs[job_id]
    job.status = "IN_PROGRESS"  # [U] moto says QUEUED; IoT reports IN_PROGRESS once created
    _extras(backend)[job_id] = JobExtras(versions, tags, {name: "QUEUED" for name in things})
    return ActionResult({"jobArn": job.job_arn, "jobId": job_id, "description": job.description})


@_jobs_operation("DescribeJob")
def describe_job(self: IoTResponse, body: dict[str, Any]) -> ActionResult:
    job, extras = _job(self.iot_backend, catalog._label(self, "jobId"))
    return ActionResult({
        "documentSource": job.document_source,
        "job": {
            "jobArn": job.job_arn,
            "jobId": job.job_id,
            "targetSelection": job.target_selection,
            "status": job.status,
            "forceCanceled": job.force,
            "reasonCode": job.reason_code,
            "comment": job.comment,
            "targets": job.targets,
            "description": job.description,
            "presignedUrlConfig": job.presigned_url_config,
            "jobExecutionsRolloutConfig": job.job_executions_rollout_config,
            "abortConfig": job.abort_config,
            "timeoutConfig": job.timeout_config,
            "jobExecutionsRetryConfig": job.job_execution_retry_config,
            "createdAt": job.created_at,
            "lastUpdatedAt": job.last_updated_at,
            "completedAt": job.completed_at,
            "jobProcessDetails": _process_details(extras),
            "destinationPackageVersions": extras.destination_package_versions,
        },
    })


@_jobs_operation("UpdateJob")
def update_job(self: IoTResponse, body: dict[str, Any]) -> EmptyResult:
    job, _ = _job(self.iot_backend, catalog._label(self, "jobId"))
    if job.status != "IN_PROGRESS":
        raise catalog.InvalidRequestException(f"Job {job.job_id} is {job.status} and cannot be updated")  # [U]
    attrs = {
        "description": "description", "presignedUrlConfig": "presigned_url_config",
        "jobExecutionsRolloutConfig": "job_executions_rollout_config", "abortConfig": "abort_config",
        "timeoutConfig": "timeout_config", "jobExecutionsRetryConfig": "job_execution_retry_config",
    }
    for member in UPDATABLE:
        if member in body:
            setattr(job, attrs[member], body[member])
    job.last_updated_at = utcnow()
    return EmptyResult()


@_jobs_operation("CancelJob")
def cancel_job(self: IoTResponse, body: dict[str, Any]) -> ActionResult:
    job, extras = _job(self.iot_backend, catalog._label(self, "jobId"))
    if job.status == "COMPLETED":
        raise InvalidStateTransitionException(f"Job {job.job_id} is COMPLETED")  # [U]
    force = catalog._query_param(self, "force") == "true"
    _cancel(job, extras, force, body.get("reasonCode"), body.get("comment"))
    return ActionResult({"jobArn": job.job_arn, "jobId": job.job_id, "description": job.description})


@_jobs_operation("DeleteJob")
def delete_job(self: IoTResponse, body: dict[str, Any]) -> EmptyResult:
    backend: IoTBackend = self.iot_backend
    job, _ = _job(backend, catalog._label(self, "jobId"))
    if job.status == "IN_PROGRESS" and catalog._query_param(self, "force") != "true":
        raise InvalidStateTransitionException(f"Job {job.job_id} is IN_PROGRESS; delete it with force")
    del backend.jobs[job.job_id]
    _extras(backend).pop(job.job_id, None)
    return EmptyResult()


JOB_ARN_RE = re.compile(r"^arn:[^:]+:iot:[^:]*:[^:]*:job/(?P<job>[a-zA-Z0-9_-]+)\Z")


def _tagged_job(self: IoTResponse, arn: Any) -> JobExtras:
    match = JOB_ARN_RE.match(arn) if isinstance(arn, str) else None
    job = self.iot_backend.jobs.get(match["job"]) if match else None
    if job is None or job.job_arn != arn:
        raise catalog.ResourceNotFoundException(f"Resource {arn} does not exist")
    return _job(self.iot_backend, job.job_id)[1]


@_jobs_operation("TagResource")
def _tag_job(self: IoTResponse, body: dict[str, Any]) -> EmptyResult:
    extras = _tagged_job(self, body.get("resourceArn"))
    extras.tags.update(catalog._check_tag_list(body.get("tags")))
    return EmptyResult()


@_jobs_operation("UntagResource")
def _untag_job(self: IoTResponse, body: dict[str, Any]) -> EmptyResult:
    extras = _tagged_job(self, body.get("resourceArn"))
    for key in body.get("tagKeys") or []:
        extras.tags.pop(key, None)
    return EmptyResult()


@_jobs_operation("ListTagsForResource")
def _list_job_tags(self: IoTResponse, body: dict[str, Any]) -> ActionResult:
    extras = _tagged_job(self, catalog._query_param(self, "resourceArn"))
    return ActionResult({"tags": [{"Key": k, "Value": v} for k, v in extras.tags.items()]})


def _job_tagging(python_name: str, ours: Callable[..., Any]) -> Callable[..., Any]:
    previous = IoTResponse.__dict__[python_name]

    def method(self: IoTResponse) -> Any:
        arn = catalog._resource_arn_of(self)
        if isinstance(arn, str) and JOB_ARN_RE.match(arn):
            return ours(self)
        return previous(self)

    method.__name__ = python_name
    return method


def executions_route(request: Any, full_url: str, headers: Any) -> Any:
    if request.method != "POST":
        return catalog.json_response(405, {"error": "use POST"})
    try:
        body = json.loads(request.data or b"{}")
        job_id, thing, status = body["jobId"], body["thingName"], body["status"]
        account = body.get("account", "123456789012")
        region = body.get("region", "us-east-1")
        if status not in EXECUTION_STATUSES:
            raise ValueError()
    except (ValueError, KeyError, TypeError):
        return catalog.json_response(400, {
            "error": "expected {jobId, thingName, status, account?, region?}; status one of " + ", ".join(sorted(EXECUTION_STATUSES)),
        })
    backend = iot_backends[account][region]
    with catalog._LOCK:
        try:
            job, extras = _job(backend, job_id)
        except catalog.ResourceNotFoundException:
            return catalog.json_response(404, {"error": f"no job {job_id}"})
        if thing not in extras.executions:
            return catalog.json_response(404, {"error": f"job {job_id} has no execution on {thing}"})
        extras.executions[thing] = status
        _evaluate(job, extras)
        return catalog.json_response(200, {"jobStatus": job.status, "jobProcessDetails": _process_details(extras)})


_installed = False


def install() -> None:
    """Patch moto (idempotent), after iot_package_catalog."""
    global _installed
    if _installed:
        return
    if "update_job" in IoTResponse.__dict__:
        raise RuntimeError("moto's IoTResponse implements update_job; review test/moto/iot_jobs.py against this moto version")
    for name, func in (
        ("create_job", create_job), ("describe_job", describe_job), ("update_job", update_job),
        ("cancel_job", cancel_job), ("delete_job", delete_job),
    ):
        setattr(IoTResponse, name, func)
    for name, ours in (("tag_resource", _tag_job), ("untag_resource", _untag_job), ("list_tags_for_resource", _list_job_tags)):
        setattr(IoTResponse, name, _job_tagging(name, ours))
    moto_api_urls.url_paths["{0}" + EXECUTIONS_PATH + "$"] = executions_route
    _installed = True


install()

"""moto extension: what the handler asks CloudFormation, recorded and steerable.

The handler reads its own stack's status (DescribeStacks) to tell a rollback
from a user's request. moto implements DescribeStacks; this module

* records every DescribeStacks request in the package-catalog request log
  (``service: "cloudformation"``, the stack in ``resourceArn``), so the IAM
  test sees these calls too;
* applies injected faults whose ``operation`` is ``"DescribeStacks"``, as
  CloudFormation's query-protocol errors (e.g. ``Throttling``);
* adds ``POST /moto-api/iot-package-catalog/stack-status`` with
  ``{"stackName": "...", "status": "UPDATE_ROLLBACK_IN_PROGRESS",
  "account": "123456789012", "region": "us-east-1"}``: creates the stack in
  moto's own CloudFormation backend if it does not exist (an empty stack with
  one WaitConditionHandle) and sets its status, which DescribeStacks then
  reports. With ``"recreate": true`` an existing stack of that name is
  deleted first, so the new one gets a new id, as when a stack is deleted
  and deployed again. Answers ``{"stackId": "..."}``.

moto's own reset removes the stacks with every other CloudFormation state.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import cloudformation_backends
from moto.cloudformation.responses import CloudFormationResponse
from moto.moto_api._internal import urls as moto_api_urls

import iot_package_catalog as catalog

STACK_STATUS_PATH = "/moto-api/iot-package-catalog/stack-status"

_EMPTY_TEMPLATE = json.dumps({
    "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
})

# Every status CloudFormation documents for a stack.
STACK_STATUSES = {
    "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS", "DELETE_FAILED", "DELETE_COMPLETE",
    "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE",
    "UPDATE_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS", "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
}


def _fault_error(fault: dict[str, Any]) -> CloudFormationError:
    """An injected fault as CloudFormation's XML error of that code."""
    error = CloudFormationError(fault["message"])
    error.code = fault["errorType"]
    return error


def _recorded_describe_stacks(original: Any) -> Any:
    def describe_stacks(self: CloudFormationResponse) -> Any:
        stack = self._get_param("StackName")
        entry = catalog.record_request({
            "service": "cloudformation",
            "operation": "DescribeStacks",
            "method": self.method,
            "path": self.parsed_url.path,
            "uriLabels": {},
            "clientToken": None,
            "bodyFields": [],
            "queryParams": ["StackName"] if stack else [],
            "resourceArn": stack,
            "accountId": self.current_account,
            "region": self.region,
            "accessKeyId": self.get_access_key(),
        })
        try:
            fault = catalog.take_fault("DescribeStacks")
            if fault is not None:
                raise _fault_error(fault)
            result = original(self)
        except CloudFormationError as err:
            entry["status"], entry["errorType"] = 400, err.code
            raise
        entry["status"] = 200
        return result

    describe_stacks.__name__ = "describe_stacks"
    return describe_stacks


def stack_status_route(request: Any, full_url: str, headers: Any) -> Any:
    if request.method != "POST":
        return catalog.json_response(405, {"error": "use POST"})
    try:
        body = json.loads(request.data or b"{}")
        name = body["stackName"]
        status = body["status"]
        account = body.get("account", "123456789012")
        region = body.get("region", "us-east-1")
        recreate = body.get("recreate", False) is True
        if not isinstance(name, str) or status not in STACK_STATUSES:
            raise ValueError()
    except (ValueError, KeyError, TypeError):
        return catalog.json_response(400, {
            "error": "expected {stackName, status, account?, region?, recreate?}; status one of "
            + ", ".join(sorted(STACK_STATUSES)),
        })
    backend = cloudformation_backends[account][region]
    stack = next((s for s in backend.stacks.values() if s.name == name), None)
    if stack is not None and recreate:
        backend.delete_stack(stack.stack_id)
        stack = None
    if stack is None:
        stack = backend.create_stack(name=name, template=_EMPTY_TEMPLATE, parameters={})
    stack.status = status
    return catalog.json_response(200, {"stackId": stack.stack_id})


_installed = False


def install() -> None:
    """Patch moto (idempotent)."""
    global _installed
    if _installed:
        return
    CloudFormationResponse.describe_stacks = _recorded_describe_stacks(  # type: ignore[method-assign]
        CloudFormationResponse.describe_stacks,
    )
    moto_api_urls.url_paths["{0}" + STACK_STATUS_PATH + "$"] = stack_status_route
    _installed = True


install()

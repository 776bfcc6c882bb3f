"""moto extension: the account-wide settings the IoT Software Package Catalog needs.

moto 5.2.5 implements GetIndexingConfiguration / UpdateIndexingConfiguration,
but it MERGES a partial UpdateIndexingConfiguration into what it has, whereas
the IoT API (and shared/docs/iot-package-catalog.md §8.2) REPLACES the thing
indexing configuration with what is sent. It has no GetPackageConfiguration /
UpdatePackageConfiguration at all. Importing this module (after
iot_package_catalog, whose helpers it reuses) patches moto's IoTResponse in
the same way iot_package_catalog does:

* ``get_indexing_configuration`` and ``update_indexing_configuration``
  replace moto's own methods (install() checks that moto still has them, and
  refuses to run against a moto that implements the package configuration
  itself);
* ``get_package_configuration`` and ``update_package_configuration`` are added;
* their state lives on the IoTBackend instance of the request's account and
  region (``backend.__dict__``), so ``POST /moto-api/reset`` clears it;
* every request is recorded in iot_package_catalog's request log (operation,
  method, path, the names of body fields and query parameters, clientToken,
  account, region, access key id, status, error type), so test/iam checks
  the handler's calls, and injected faults (``POST
  /moto-api/iot-package-catalog/faults``) apply to them, including IoT's
  older errors ``UnauthorizedException`` (401) and
  ``ServiceUnavailableException`` (503), which this module registers.

UpdateIndexingConfiguration:

* ``thingIndexingConfiguration``, if sent, replaces the stored one entirely
  (a member not sent is gone, e.g. a named-shadow filter); if not sent, the
  stored one stays. The same for ``thingGroupIndexingConfiguration``.
* Validation (InvalidRequestException, the operation's modelled client
  error): ``thingIndexingMode`` required, one of OFF / REGISTRY /
  REGISTRY_AND_SHADOW; ``thingConnectivityIndexingMode`` OFF / STATUS;
  ``deviceDefenderIndexingMode`` OFF / VIOLATIONS; ``namedShadowIndexingMode``
  OFF / ON; any of the last three other than OFF needs ``thingIndexingMode``
  other than OFF (the model's documentation); ``filter.namedShadowNames``
  a list of ShadowName (1..64, ``^[$a-zA-Z0-9:_-]+$``); fields are lists of
  {name, type in Number/String/Boolean}; geoLocations {name, order in
  LatLon/LonLat}; ``thingGroupIndexingMode`` required, OFF / ON.
* [U] A name starting with ``$`` other than ``$package`` is refused: ``$``
  names are reserved, and ``$package`` is the only one the catalog documents.
* [U] At most 10 named shadows besides ``$package`` (the model documents a
  default quota of 10; D1 says ``$package`` does not count); more is an
  InvalidRequestException (the modelled error list has no quota error).
* [U] Names in the filter while ``namedShadowIndexingMode`` is OFF are
  accepted and kept.
* [U] ``managedFields`` sent back are stored as sent (the service computes
  them; what it does with ones it is sent is not documented).

GetIndexingConfiguration returns what is stored; [U] an account that never
set anything has ``{thingIndexingMode: OFF}`` and ``{thingGroupIndexingMode:
OFF}`` and nothing else.

Get/UpdatePackageConfiguration:

* [U] A fresh account has ``{versionUpdateByJobsConfig: {enabled: false}}``.
* UpdatePackageConfiguration is a PATCH: members of ``versionUpdateByJobsConfig``
  that are sent replace the stored ones, others stay [U].
* ValidationException: ``enabled`` not a boolean; ``roleArn`` not a string of
  20..2048 characters (the model); [U] ``roleArn`` not an IAM role ARN
  (``arn:PARTITION:iam::ACCOUNT:role/NAME``); [U] ``enabled: true`` with no
  role (sent or stored); an invalid ``clientToken``.
* [U] clientToken: not checked for reuse (the call is idempotent by nature).
"""

from __future__ import annotations

import copy
import functools
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.iot.models import IoTBackend
from moto.iot.responses import IoTResponse

import iot_package_catalog as catalog

__all__ = ["install"]


class UnauthorizedException(catalog.PackageCatalogError):
    error_name, status = "UnauthorizedException", 401


class ServiceUnavailableException(catalog.PackageCatalogError):
    error_name, status = "ServiceUnavailableException", 503


THING_INDEXING_MODES = ("OFF", "REGISTRY", "REGISTRY_AND_SHADOW")
CONNECTIVITY_MODES = ("OFF", "STATUS")
DEVICE_DEFENDER_MODES = ("OFF", "VIOLATIONS")
NAMED_SHADOW_MODES = ("OFF", "ON")
THING_GROUP_MODES = ("OFF", "ON")
FIELD_TYPES = ("Number", "String", "Boolean")
GEO_ORDERS = ("LatLon", "LonLat")
SHADOW_NAME_RE = re.compile(r"^[$a-zA-Z0-9:_-]+\Z")
SHADOW_NAME_MAX = 64
PACKAGE_SHADOW = "$package"
NAMED_SHADOWS_MAX = 10  # [U] besides $package
ROLE_ARN_MIN = 20
ROLE_ARN_MAX = 2048
ROLE_ARN_RE = re.compile(r"^arn:[a-z-]+:iam::\d{12}:role/[\w+=,.@/-]+\Z")  # [U]


class Prerequisites:
    """The account-wide settings of one account and region."""

    def __init__(self) -> None:
        self.thing_indexing: dict[str, Any] = {"thingIndexingMode": "OFF"}
        self.thing_group_indexing: dict[str, Any] = {"thingGroupIndexingMode": "OFF"}
        self.package_configuration: dict[str, Any] = {"enabled": False}


_STATE_ATTR = "_iot_prerequisites"


def _state_for(backend: IoTBackend) -> Prerequisites:
    # In the backend's __dict__: moto's reset throws it away with the backend.
    state = backend.__dict__.get(_STATE_ATTR)
    if state is None:
        state = Prerequisites()
        backend.__dict__[_STATE_ATTR] = state
    return state


def _operation(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Records the request in iot_package_catalog's log, applies injected
    faults before any state is touched, serialises access to the state and
    turns unexpected Python errors into the operation's server error."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(self: IoTResponse) -> Any:
            try:
                body = catalog._body(self)
            except catalog.ValidationException:
                body = {}
            entry = catalog.record_request({
                "operation": name,
                "method": self.method,
                "path": self.parsed_url.path,
                "uriLabels": {},
                "clientToken": catalog._query_param(self, "clientToken"),
                "bodyFields": sorted(body.keys()),
                "queryParams": sorted(catalog._query(self).keys()),
                "accountId": self.current_account,
                "region": self.region,
                "accessKeyId": self.get_access_key(),
            })
            try:
                fault = catalog.take_fault(name)
                if fault is not None:
                    raise catalog.ERRORS[fault["errorType"]](fault["message"])
                with catalog._LOCK:
                    result = func(self, _state_for(self.iot_backend))
                entry["status"] = 200
                return result
            except catalog.PackageCatalogError as err:
                entry["status"], entry["errorType"] = err.code, err.error_type
                raise
            except Exception as err:  # report it as the service would
                traceback.print_exc(file=sys.stderr)
                failure = (
                    catalog.InternalFailureException
                    if name.endswith("IndexingConfiguration")
                    else catalog.InternalServerException
                )
                entry["status"], entry["errorType"] = failure.status, failure.error_name
                raise failure(f"Internal error: {type(err).__name__}") from err

        return wrapper

    return decorate


# ---- fleet indexing ---------------------------------------------------------


def _invalid(message: str) -> catalog.InvalidRequestException:
    return catalog.InvalidRequestException(message)


def _enum(config: dict[str, Any], member: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
    value = config.get(member)
    if value is None:
        if required:
            raise _invalid(f"{member} is required")
        return None
    if value not in allowed:
        raise _invalid(f"Invalid {member} {value!r}: expected one of {', '.join(allowed)}")
    return value


def _check_fields(config: dict[str, Any], member: str) -> None:
    fields = config.get(member)
    if fields is None:
        return
    if not isinstance(fields, list):
        raise _invalid(f"{member} must be a list")
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            raise _invalid(f"Each of {member} needs a name")
        if f.get("type") is not None and f["type"] not in FIELD_TYPES:
            raise _invalid(f"Invalid type {f['type']!r} of {member} {f['name']!r}: expected one of {', '.join(FIELD_TYPES)}")


def _check_filter(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise _invalid("filter must be an object")
    names = value.get("namedShadowNames")
    if names is not None:
        if not isinstance(names, list):
            raise _invalid("namedShadowNames must be a list")
        for n in names:
            if not isinstance(n, str) or not 1 <= len(n) <= SHADOW_NAME_MAX or not SHADOW_NAME_RE.match(n):
                raise _invalid(
                    f"Invalid shadow name {n!r} in namedShadowNames: 1 to {SHADOW_NAME_MAX} characters of [$a-zA-Z0-9:_-]")
            if n.startswith("$") and n != PACKAGE_SHADOW:  # [U]
                raise _invalid(f"Invalid shadow name {n!r} in namedShadowNames: names starting with '$' are reserved")
        if len(set(names)) != len(names):
            raise _invalid("namedShadowNames has duplicates")  # [U]
        if len([n for n in names if n != PACKAGE_SHADOW]) > NAMED_SHADOWS_MAX:  # [U]
            raise _invalid(f"At most {NAMED_SHADOWS_MAX} named shadows can be indexed (besides {PACKAGE_SHADOW})")
    geo = value.get("geoLocations")
    if geo is not None:
        if not isinstance(geo, list):
            raise _invalid("geoLocations must be a list")
        for g in geo:
            if not isinstance(g, dict) or (g.get("order") is not None and g["order"] not in GEO_ORDERS):
                raise _invalid(f"Invalid geoLocations entry {g!r}")


def _check_thing_indexing(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise _invalid("thingIndexingConfiguration must be an object")
    mode = _enum(config, "thingIndexingMode", THING_INDEXING_MODES, required=True)
    for member, allowed in (
        ("thingConnectivityIndexingMode", CONNECTIVITY_MODES),
        ("deviceDefenderIndexingMode", DEVICE_DEFENDER_MODES),
        ("namedShadowIndexingMode", NAMED_SHADOW_MODES),
    ):
        value = _enum(config, member, allowed)
        if value not in (None, "OFF") and mode == "OFF":
            raise _invalid(f"{member} {value} requires thingIndexingMode REGISTRY or REGISTRY_AND_SHADOW, not OFF")
    _check_fields(config, "customFields")
    _check_fields(config, "managedFields")
    _check_filter(config.get("filter"))
    return copy.deepcopy(config)


def _check_thing_group_indexing(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise _invalid("thingGroupIndexingConfiguration must be an object")
    _enum(config, "thingGroupIndexingMode", THING_GROUP_MODES, required=True)
    _check_fields(config, "customFields")
    _check_fields(config, "managedFields")
    return copy.deepcopy(config)


@_operation("GetIndexingConfiguration")
def get_indexing_configuration(self: IoTResponse, state: Prerequisites) -> ActionResult:
    return ActionResult({
        "thingIndexingConfiguration": copy.deepcopy(state.thing_indexing),
        "thingGroupIndexingConfiguration": copy.deepcopy(state.thing_group_indexing),
    })


@_operation("UpdateIndexingConfiguration")
def update_indexing_configuration(self: IoTResponse, state: Prerequisites) -> ActionResult:
    try:
        body = catalog._body(self)
    except catalog.ValidationException as err:
        raise _invalid(err.message) from None
    thing = body.get("thingIndexingConfiguration")
    group = body.get("thingGroupIndexingConfiguration")
    # Validate both before changing either: a refused request changes nothing.
    new_thing = None if thing is None else _check_thing_indexing(thing)
    new_group = None if group is None else _check_thing_group_indexing(group)
    if new_thing is not None:
        state.thing_indexing = new_thing
    if new_group is not None:
        state.thing_group_indexing = new_group
    return EmptyResult()


# ---- package configuration --------------------------------------------------


@_operation("GetPackageConfiguration")
def get_package_configuration(self: IoTResponse, state: Prerequisites) -> ActionResult:
    return ActionResult({"versionUpdateByJobsConfig": copy.deepcopy(state.package_configuration)})


@_operation("UpdatePackageConfiguration")
def update_package_configuration(self: IoTResponse, state: Prerequisites) -> ActionResult:
    body = catalog._body(self)
    token = catalog._query_param(self, "clientToken")
    if token is not None:
        catalog._check_client_token(token)
    config = body.get("versionUpdateByJobsConfig")
    if config is None:
        return EmptyResult()
    if not isinstance(config, dict):
        raise catalog._validation("versionUpdateByJobsConfig", "Member must be a structure")
    new = dict(state.package_configuration)
    if "enabled" in config and config["enabled"] is not None:
        if not isinstance(config["enabled"], bool):
            raise catalog._validation("versionUpdateByJobsConfig.enabled", "Member must be a boolean")
        new["enabled"] = config["enabled"]
    role = config.get("roleArn")
    if role is not None:
        if not isinstance(role, str) or not ROLE_ARN_MIN <= len(role) <= ROLE_ARN_MAX:
            raise catalog._validation(
                "versionUpdateByJobsConfig.roleArn", f"Member must have length between {ROLE_ARN_MIN} and {ROLE_ARN_MAX}")
        if not ROLE_ARN_RE.match(role):  # [U]
            raise catalog.ValidationException(f"Invalid roleArn {role!r}: expected an IAM role ARN")
        new["roleArn"] = role
    if new.get("enabled") and not new.get("roleArn"):  # [U]
        raise catalog.ValidationException("A roleArn is required to enable versionUpdateByJobsConfig")
    state.package_configuration = new
    return EmptyResult()


# --------------------------------------------------------------------------- #
# Installation
# --------------------------------------------------------------------------- #

_REPLACED = {
    "get_indexing_configuration": get_indexing_configuration,
    "update_indexing_configuration": update_indexing_configuration,
}
_ADDED = {
    "get_package_configuration": get_package_configuration,
    "update_package_configuration": update_package_configuration,
}

_installed = False


def install() -> None:
    """Patch moto (idempotent). Called on import."""
    global _installed
    if _installed:
        return
    for python_name, func in _REPLACED.items():
        if python_name not in IoTResponse.__dict__:
            raise RuntimeError(
                f"moto's IoTResponse no longer has {python_name}; "
                "review test/moto/iot_prerequisites.py against this moto version"
            )
        setattr(IoTResponse, python_name, func)
    for python_name, func in _ADDED.items():
        if python_name in IoTResponse.__dict__:
            raise RuntimeError(
                f"moto's IoTResponse already implements {python_name}; "
                "review test/moto/iot_prerequisites.py against this moto version"
            )
        setattr(IoTResponse, python_name, func)
    for error in (UnauthorizedException, ServiceUnavailableException):
        catalog.ERRORS.setdefault(error.error_name, error)
    _installed = True


install()

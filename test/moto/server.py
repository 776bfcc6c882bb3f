"""Launch moto's server with the IoT Software Package Catalog extension.

    .venv/bin/python test/moto/server.py --host 127.0.0.1 --port 5000

Imports iot_package_catalog (which patches moto's IoT backend and response
class), iot_prerequisites (fleet indexing that replaces, the package
configuration), iot_jobs (IoT Jobs as the package deployment uses them),
cloudformation_hooks (DescribeStacks recorded, stack status settable)
and s3_hooks (S3 requests recorded, faults injectable) and then runs moto's own
server entry point (moto.server.main, the
`moto_server` command) in the foreground until it gets SIGINT or SIGTERM. All
arguments are passed through to moto.server.main (see its --help).
"""

from __future__ import annotations

import os
import sys

# No __pycache__ next to the extension in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import iot_package_catalog  # noqa: E402,F401  (patches moto on import)
import iot_prerequisites  # noqa: E402,F401  (patches moto on import; after iot_package_catalog)
import iot_jobs  # noqa: E402,F401  (patches moto on import; after iot_package_catalog)
import cloudformation_hooks  # noqa: E402,F401  (patches moto on import)
import s3_hooks  # noqa: E402,F401  (patches moto on import)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])

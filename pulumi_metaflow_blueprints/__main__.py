"""`python -m pulumi_metaflow_blueprints preview ...`."""

import sys

from pulumi_metaflow_blueprints.cli import main

__all__: list[str] = []

sys.exit(main())

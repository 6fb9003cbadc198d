"""``python -m scale_query.cli``."""

import sys

from . import main

sys.exit(main())

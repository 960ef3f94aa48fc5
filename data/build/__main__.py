"""``python -m data.build [--check]``: rebuild (or verify) data/derived/."""

import sys

from data.build import main

sys.exit(main())

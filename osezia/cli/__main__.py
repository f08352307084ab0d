"""`python -m osezia.cli`: the `osezia` command."""

import sys

from osezia.cli import main

sys.exit(main())

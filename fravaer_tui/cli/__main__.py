import sys

from fravaer_tui.cli import main

sys.exit(main())

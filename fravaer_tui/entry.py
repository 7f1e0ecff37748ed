"""The `fravaer` command's first step: hand a forced SSH login to the session server.

Kept to the standard library: a login that the server takes costs Python's start only
(`fravaer_tui.connect`). Everything else goes on to `fravaer_tui.cli.main`.
"""

from __future__ import annotations

import sys


def main() -> int:
    from fravaer_tui.connect import via_server

    code = via_server(sys.argv[1:])
    if code is not None:
        return code
    from fravaer_tui.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())

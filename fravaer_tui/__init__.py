"""fravaer-tui: fraværsføring og oppfølging av bekymringsfullt fravær."""

__version__ = "0.1.0"

"""The data folder: the one place that reads and writes files (and the only user of tinydb).

`store.Store` is the door to one data folder; its parts are one module a concern:
`files` (atomic writes and locks), `codec` (domain values as JSON), `partitions`
(TinyDB over one file), `cache`, `config` (skole.toml), `backups` and `auditlog`.
"""

from fravaer_tui.store.cache import FileCache
from fravaer_tui.store.codec import YearData
from fravaer_tui.store.files import write_atomic
from fravaer_tui.store.store import Store

__all__ = ["FileCache", "Store", "YearData", "write_atomic"]

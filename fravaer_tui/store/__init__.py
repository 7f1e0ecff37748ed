"""The data folder: the one place that reads and writes files (and the only user of tinydb).

`store.Store` is the door to one data folder, composed of one part a concern:
`transactions` (locks, the journal's commit, recovery), `roster`, `registrations`
(lessons and meldinger), `followup` (cases, contacts, samtykke, reviews), `holidays` and
`access` (who owns what). Below them: `files` (atomic writes and locks), `codec` (domain
values as JSON), `partitions` (TinyDB over one file), `journal`, `cache`, `checkcache`,
`drafts`, `config` (skole.toml), `backups` and `auditlog`.
"""

from fravaer_tui.store.cache import FileCache
from fravaer_tui.store.codec import YearData
from fravaer_tui.store.files import write_atomic
from fravaer_tui.store.store import Store

__all__ = ["FileCache", "Store", "YearData", "write_atomic"]

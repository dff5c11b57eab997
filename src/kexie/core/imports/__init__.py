"""The import/export framework: column specs, readers (xlsx through python-calamine, csv in
UTF-8/GB18030), checks with per-cell Chinese errors, one-transaction bulk writes with one audit
entry, and writers for templates, exports and error workbooks. Each app describes its kinds
in its own `io.py` (kexie.directory.io, kexie.activities.io)."""

from kexie.core.imports.engine import (
    KIND_MODULES,
    ImportResult,
    Problem,
    export_rows,
    export_size,
    get_spec,
    import_file,
    template_bytes,
)

KINDS = tuple(KIND_MODULES)

__all__ = [
    "KINDS",
    "ImportResult",
    "Problem",
    "export_rows",
    "export_size",
    "get_spec",
    "import_file",
    "template_bytes",
]

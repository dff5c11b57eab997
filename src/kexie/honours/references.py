"""Which records an honour may point at (kexie.core.references)."""

from kexie.core.references import everyone, in_scope, register

register("honours.Honour.unit", in_scope("directory.Organisation", is_active=True))
register("honours.Honour.person", in_scope("directory.Person"))
register(
    "honours.Honour.organisation",
    everyone("directory.Organisation", reason="units honoured, in the city and above", is_active=True),
)
register("honours.Honour.call", in_scope("calls.Call"))
register("honours.Honour.entry", in_scope("calls.Entry"))

"""Which records the hotline's references may take (kexie.core.references). Regions are reference
data open to everyone (not scoped), so they need no rule."""

from kexie.core.references import everyone, register

register(
    "hotline.Consultation.expert",
    everyone("directory.Person", reason="the pools' experts come from every unit", is_expert=True),
)

from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.honour", _("荣誉"), {"recorded": _("登记"), "outcome_set": _("登记推荐结果")})

"""Which organisations and people the societies module's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("societies.AnnualReport.organisation", in_scope("directory.Organisation"))
register("societies.Founding.supervisor", in_scope("directory.Organisation"))
register("societies.Rectification.organisation", in_scope("directory.Organisation"))
register("societies.Term.organisation", in_scope("directory.Organisation"))
register("societies.Evaluation.organisation", in_scope("directory.Organisation"))
register("societies.Evaluation.evaluators", in_scope("directory.Person"))
register("societies.Evaluation.scheme", in_scope("societies.EvaluationScheme"))

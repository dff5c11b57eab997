"""Design-based survey estimation (a numpy/scipy port of the core of R's ``survey`` package).

No Django import here: the engine is tested and benchmarked on its own.
"""

from .calibration import calibrate, model_matrix, post_stratify, rake, trim_weights
from .data import SurveyError, read_csv
from .design import LONELY_PSU_OPTIONS, SurveyDesign
from .estimators import Estimate, degf, svymean, svyprop, svyquantile, svyratio, svytotal
from .replicate import ReplicateDesign, as_replicate

__all__ = [
    "LONELY_PSU_OPTIONS",
    "Estimate",
    "ReplicateDesign",
    "SurveyDesign",
    "SurveyError",
    "as_replicate",
    "calibrate",
    "degf",
    "model_matrix",
    "post_stratify",
    "rake",
    "read_csv",
    "svymean",
    "svyprop",
    "svyquantile",
    "svyratio",
    "svytotal",
    "trim_weights",
]

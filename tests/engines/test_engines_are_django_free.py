"""The shared engines are plain Python: an app passes data in and gets data back.

Importing them must not import Django or any kexie app, so that the command line, the benchmarks
and other apps can use them without a configured project."""

import subprocess
import sys

CHECK = """
import sys
import kexie.engines.matching, kexie.engines.search, kexie.engines.contest, kexie.engines.opinion
from kexie.engines.opinion import SentimentModel, clusters
SentimentModel.default(); clusters([(1, "a")])
loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')
                or (m.startswith('kexie.') and not m.startswith('kexie.engines')))
print(','.join(loaded))
"""


def test_engines_import_neither_django_nor_an_app():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the engines pulled in: {out.stdout.strip()}"

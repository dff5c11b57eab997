"""kexie: the work platform of a city association for science and technology."""

__version__ = "0.1.0"

"""Static files: hashed names, compressed copies, far-future caching (WhiteNoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class Storage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage once `collectstatic` has run (`kexie serve` runs it at start);
    before that (tests, a first `migrate`), plain names that the static finders serve."""

    manifest_strict = False

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)

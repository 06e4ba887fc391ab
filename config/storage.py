"""Static file storages that remember each file's URL.

A hashed name never changes while the process runs (the manifest is read once, when the
storage starts), yet Django looks it up, joins and quotes it again for every `{% static %}`:
a page's two dozen tags and form media cost more than its own figures. Each name's URL is
computed once per process.
"""

from django.contrib.staticfiles import storage
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseStorage


class RememberedUrls:
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        remembered = self.__dict__.setdefault("_remembered_urls", {})
        if name not in remembered:
            # A missing file raises here, as before, and is not remembered.
            remembered[name] = super().url(name)
        return remembered[name]


class CompressedManifestStaticFilesStorage(RememberedUrls, WhiteNoiseStorage):
    """Production: WhiteNoise's hashed and compressed files."""


class ManifestStaticFilesStorage(RememberedUrls, storage.ManifestStaticFilesStorage):
    """Hashed files without the compressed copies (bench/settings.py)."""

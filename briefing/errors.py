"""Every error the library raises on purpose.

    BriefingError                 anything this package reports to its caller
     ├── ConfigError              a configuration file or value is wrong
     ├── IngestError              one input item could not be read (reported per item, the run goes on)
     ├── TranslationError         the translation stage failed
     │    ├── ModelNotInstalledError   no Argos package for the language pair is installed
     │    └── ClusterError             the translation cluster cannot be reached, or a worker cannot decode
     ├── RenderError              a briefing file could not be written
     ├── OfflineError             something tried to connect while the briefing was being made
     ├── StoreError               the database cannot be opened or is too new
     ├── LockedError              another run holds the lock
     ├── AlreadyPublishedError    the date has a briefing and --force was not given
     └── PackageInstallError      an Argos package could not be installed

The CLI maps each of these to a message and an exit code (see ``cli.py``); library
code never prints or exits.
"""

from __future__ import annotations

__all__ = [
    "AlreadyPublishedError",
    "BriefingError",
    "ClusterError",
    "ConfigError",
    "IngestError",
    "LockedError",
    "ModelNotInstalledError",
    "OfflineError",
    "PackageInstallError",
    "RenderError",
    "StoreError",
    "TranslationError",
]


class BriefingError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(BriefingError):
    """A configuration file or value is wrong; the message names the key."""


class IngestError(BriefingError):
    """One input item could not be read: empty, binary, undecodable or unreadable."""


class TranslationError(BriefingError):
    """The translation stage failed."""


class ModelNotInstalledError(TranslationError):
    """No Argos package for the configured language pair is installed."""


class ClusterError(TranslationError):
    """The translation cluster (``translate.cluster``) cannot be reached or has no worker, a
    worker's model is not the run's, or the cluster lost a batch too often."""


class RenderError(BriefingError):
    """A briefing file could not be written."""


class OfflineError(BriefingError):
    """A connection or a name lookup was attempted between reading the articles and writing the briefing."""


class StoreError(BriefingError):
    """The database cannot be opened, or was written by a newer briefing."""


class LockedError(BriefingError):
    """Another run holds the lock and did not finish within the wait."""


class AlreadyPublishedError(BriefingError):
    """The date already has a published briefing; rebuilding it needs --force."""


class PackageInstallError(BriefingError):
    """An Argos package could not be installed from a file or the index."""

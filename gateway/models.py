"""Every table of the gateway's database on one metadata: the decision log and the media records."""

from gateway.decision_log.models import Base
from gateway.media.models import MediaObject

__all__ = ["Base", "MediaObject"]

"""``oversett soak``: a long mixed load over every route family against one or more replicas,
each flow's steps split across them, with the servers' memory sampled, ending in a summary."""

from .run import SoakReport, soak

__all__ = ["SoakReport", "soak"]

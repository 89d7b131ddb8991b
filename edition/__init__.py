"""edition: plain-text transcripts of historical documents into a TEI P5 edition and a static website."""

__version__ = "0.1.0"

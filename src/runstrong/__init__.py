"""runstrong: an evidence-based expert system for runners' gym strength training."""

__version__ = "0.1.0"

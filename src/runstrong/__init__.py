"""runstrong: an evidence-based expert system for runners' gym strength training."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("runstrong")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

"""leadkit: turn messy lead lists into a clean, deduplicated, callable, segmented client base."""

__version__ = "0.1.0"

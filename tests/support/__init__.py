"""Helpers shared by the test folders: paths, synthetic registries, MSDS files, a page server."""

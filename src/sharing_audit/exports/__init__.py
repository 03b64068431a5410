"""Export file scanner: readers, value detectors, evaluation against the policies."""

"""`make bench`: speed and cost of the endpoint against the naive way, measured in one run."""

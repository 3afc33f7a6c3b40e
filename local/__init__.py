"""Run the endpoint on this machine: an embedded AWS emulator and a server that speaks API Gateway's event."""

import sys
from pathlib import Path

# The function's own package lives in lambda/ (its code asset); local tools import it from there.
_LAMBDA_DIR = str(Path(__file__).resolve().parent.parent / "lambda")
if _LAMBDA_DIR not in sys.path:
    sys.path.insert(0, _LAMBDA_DIR)

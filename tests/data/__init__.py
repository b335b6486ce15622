"""Files the tests read (see README.md here for where they come from)."""

from pathlib import Path

DATA = Path(__file__).parent

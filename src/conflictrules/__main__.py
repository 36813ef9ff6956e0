"""``python -m conflictrules`` is the ``conflictrules`` command."""

from conflictrules.cli import main

raise SystemExit(main())

"""``python -m zapi_async``: the same as the ``zapi-async`` command."""

from .cli import main

raise SystemExit(main())

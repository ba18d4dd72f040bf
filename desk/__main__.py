"""``python -m desk``: the same entry point as the ``desk`` command."""

from desk.cli.main import main

if __name__ == "__main__":
    main()

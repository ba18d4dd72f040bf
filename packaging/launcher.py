"""Entry script of the PyInstaller bundle: the same ``desk`` command as the wheel's."""

from desk.cli.main import main

if __name__ == "__main__":
    main()

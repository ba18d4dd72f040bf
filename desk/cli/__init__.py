"""The command-line face of Desk."""

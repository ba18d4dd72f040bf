"""The three panes of the main window: browse, list, reader."""

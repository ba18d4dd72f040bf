"""The Qt face of Desk: the main window, its panes, models, actions and dialogs."""

"""The domain core of Desk. Nothing under ``desk.core`` imports Qt."""

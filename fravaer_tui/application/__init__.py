"""The application layer: the one door every caller (screens, CLI, exports) goes through."""

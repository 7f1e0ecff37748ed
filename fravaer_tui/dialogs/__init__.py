"""Typed dialogs (`ModalScreen[T]`), each closed with `dismiss(value)` (frogmouth's `dialogs/`)."""

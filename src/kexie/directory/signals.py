"""Signals of the directory for the apps that keep figures per unit path.

`unit_moved` (sender Organisation; organisation, old_path, new_path): a unit and its subtree
moved under another parent. Sent inside the write's transaction; a receiver that recomputes
stored figures defers the work to when the move commits (a job), so the move stays quick."""

from django.dispatch import Signal

unit_moved = Signal()

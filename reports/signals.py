"""Export events other apps listen to (the audit log records them).

Sent after the change is committed; receivers get ``job`` and ``user``.
"""

from django.dispatch import Signal

export_requested = Signal()
export_finished = Signal()  # done, failed or cancelled: see job.status
export_downloaded = Signal()

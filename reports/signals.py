"""Export events other apps listen to (the audit log records them).

Sent inside the job's transaction, so a receiver's failure (the audit event
cannot be written) rolls the change back; receivers get ``job`` and ``user``.
"""

from django.dispatch import Signal

export_requested = Signal()
export_finished = Signal()  # done, failed or cancelled: see job.status
export_downloaded = Signal()

"""Keep export files on disk in step with their jobs."""

from django.core.files.storage import default_storage
from django.db import transaction


def delete_export_file(sender, instance, **kwargs) -> None:
    """Delete a deleted job's file once the deletion commits.

    Jobs go away with their owner (``on_delete=CASCADE``, the Django admin's
    user deletion) or one by one; either way their file, which holds clients'
    personal data, must not outlive them on disk.
    """
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))

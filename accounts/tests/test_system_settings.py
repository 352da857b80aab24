import pytest
from django.core.exceptions import ValidationError

from accounts.models import SystemSettings
from accounts.system_settings import current_settings, forget_cached_settings


@pytest.mark.django_db
def test_defaults_and_process_cache(django_assert_num_queries):
    settings_row = current_settings()
    assert settings_row.export_row_limit == 50_000
    assert settings_row.export_sync_row_limit == 2_000
    with django_assert_num_queries(0):
        current_settings()
    SystemSettings.objects.filter(pk=1).update(export_row_limit=10)
    forget_cached_settings()
    assert current_settings().export_row_limit == 10


@pytest.mark.django_db
def test_sync_limit_cannot_exceed_export_limit():
    row = SystemSettings(pk=1, export_row_limit=100, export_sync_row_limit=500)
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert "export_sync_row_limit" in exc.value.message_dict

from django.conf import settings


def test_settings_load_for_tests():
    assert settings.TIME_ZONE == "Europe/London"

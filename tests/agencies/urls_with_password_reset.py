"""The project's URLs with Django's password reset mounted, as a deployment adding it would: the masking rule
(config.secrets_in_paths) must hide its token wherever it is mounted."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("accounts/", include("django.contrib.auth.urls"))]

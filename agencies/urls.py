from django.urls import path

from . import people_views as views
from . import sso_views

app_name = "agencies"

urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("new/", views.partnership_create, name="partnership_create"),
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("invitations/<str:token>/single-sign-on/", sso_views.accept, name="accept_sso"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/history/", views.history, name="history"),
    path("<slug:slug>/people/invite/", views.invite, name="invite"),
    path("<slug:slug>/people/<int:pk>/", views.member_edit, name="member_edit"),
    path("<slug:slug>/people/<int:pk>/active/", views.member_active, name="member_active"),
    path("<slug:slug>/agencies/new/", views.agency_create, name="agency_create"),
]

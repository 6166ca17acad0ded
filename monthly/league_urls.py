"""The league table's page (擂台比武)."""

from django.urls import path

from .views import league as views

urlpatterns = [
    path("league/", views.league_page, name="league"),
]

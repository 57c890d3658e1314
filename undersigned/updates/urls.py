from django.urls import path

from undersigned.updates import feeds, views

urlpatterns = [
    path("c/<slug:slug>/updates.atom", feeds.CampaignUpdatesFeed(), name="updates_feed"),
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="updates_unsubscribe"),
    path("updates/confirm/<str:token>/", views.confirm, name="updates_confirm"),
]

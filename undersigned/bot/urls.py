from django.urls import path

from undersigned.bot import views

urlpatterns = [
    path("webhook/<str:secret>/", views.webhook, name="telegram_webhook"),
]

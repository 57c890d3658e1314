from django.urls import path

from undersigned.verification import views

urlpatterns = [
    path("confirm/", views.confirm, name="confirm"),
    path("r/<str:token>/confirm/", views.confirm_on_receipt, name="confirm_on_receipt"),
]

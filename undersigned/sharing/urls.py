from django.urls import path

from undersigned.sharing import views

urlpatterns = [
    path("c/<slug:slug>/card.<str:language>.png", views.card, name="share_card"),
    path("c/<slug:slug>/embed/", views.embed, name="embed"),
]

from django.urls import path

from undersigned.web import data_views, views
from undersigned.web.counts_json import campaign_counts

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.campaign_page, name="campaign"),
    path("c/<slug:slug>/signatories/", views.signatories, name="signatories"),
    path("c/<slug:slug>/counts.json", campaign_counts, name="campaign_counts"),
    path("c/<slug:slug>/sign/", views.sign, name="sign"),
    path("c/<slug:slug>/data/<str:dataset>.<str:fmt>", data_views.download, name="download"),
    path("c/<slug:slug>/charts/<str:name>.svg", data_views.chart, name="chart"),
    path("c/<slug:slug>/compare/", data_views.compare, name="compare"),
    path("r/<str:token>/", views.receipt, name="receipt"),
    path("r/<str:token>/receipt.txt", views.receipt_address, name="receipt_address"),
    path("r/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("r/<str:token>/publication/", views.change_publication, name="change_publication"),
]

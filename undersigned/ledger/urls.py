from django.urls import path

from undersigned.ledger import views

urlpatterns = [
    path("log/campaigns.json", views.campaigns, name="log_campaigns"),
    path("c/<slug:slug>/log/checkpoint", views.checkpoint, name="log_checkpoint"),
    path("c/<slug:slug>/log/key", views.verifier_key, name="log_key"),
    path("c/<slug:slug>/log/counts.json", views.counts, name="log_counts"),
    path("c/<slug:slug>/log/entries", views.entries, name="log_entries"),
    path("c/<slug:slug>/log/entries/<int:page>.json", views.entries_page, name="log_entries_page"),
    path("c/<slug:slug>/log/proof/inclusion", views.inclusion_proof, name="log_inclusion"),
    path("c/<slug:slug>/log/proof/consistency", views.consistency_proof, name="log_consistency"),
    path("c/<slug:slug>/log/cosign", views.cosign, name="log_cosign"),
    path("c/<slug:slug>/log/checkpoints/<int:size>", views.checkpoint_at, name="log_checkpoint_at"),
    path("c/<slug:slug>/cite/<int:size>/", views.cite_page, name="cite"),
    path("c/<slug:slug>/cite/<int:size>.json", views.cite_json, name="cite_json"),
    path("c/<slug:slug>/cite/<int:size>/letter.pdf", views.letter, name="letter"),
    path("r/<str:token>/log-receipt.json", views.receipt_file, name="log_receipt_file"),
]

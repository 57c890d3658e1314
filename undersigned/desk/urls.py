from django.urls import include, path

from undersigned.desk import contacts, sealed
from undersigned.desk.views import (
    auth,
    campaigns,
    decisions,
    imports,
    invalidate,
    keys,
    queue,
    registry,
)

app_name = "desk"

urlpatterns = [
    path("", campaigns.home, name="home"),
    path("login/", auth.login, name="login"),
    path("otp/", auth.otp, name="otp"),
    path("enrol/", auth.enrol, name="enrol"),
    path("logout/", auth.logout, name="logout"),
    path("new/", campaigns.create, name="create"),
    path("c/<slug:slug>/", campaigns.overview, name="campaign"),
    path("c/<slug:slug>/queue/", queue.queue, name="queue"),
    path("c/<slug:slug>/invalidate/", invalidate.invalidate, name="invalidate"),
    path("c/<slug:slug>/import/", imports.import_signatures, name="import"),
    path("c/<slug:slug>/contacts.age", contacts.download, name="contacts"),
    path("c/<slug:slug>/sealed.age", sealed.download, name="sealed_bundle"),
    path("c/<slug:slug>/sealed/", sealed.sealed, name="sealed"),
    path("c/<slug:slug>/manage/", campaigns.manage, name="manage"),
    path("c/<slug:slug>/state/", campaigns.transition, name="transition"),
    path("c/<slug:slug>/close/", campaigns.close_confirmation, name="close"),
    path("c/<slug:slug>/closing-date/", campaigns.closing_date, name="closing_date"),
    path("c/<slug:slug>/region-counts/", campaigns.region_counts, name="region_counts"),
    path("c/<slug:slug>/keys/", keys.verifier_keys, name="verifier_keys"),
    path("c/<slug:slug>/keys/add/", keys.add_key, name="add_key"),
    path("c/<slug:slug>/keys/revoke/", keys.revoke_key, name="revoke_key"),
    path("registry/", registry.registry, name="registry"),
    path("c/<slug:slug>/names/", campaigns.names_hidden, name="names_hidden"),
    path("c/<slug:slug>/roles/", campaigns.grant_role, name="grant_role"),
    path("c/<slug:slug>/roles/revoke/", campaigns.revoke_role, name="revoke_role"),
    path("c/<slug:slug>/texts/<str:language>/", campaigns.edit_text, name="edit_text"),
    path("c/<slug:slug>/opening/", campaigns.add_opening_signatory, name="add_opening"),
    path(
        "c/<slug:slug>/opening/<int:signature_id>/official/",
        campaigns.rematch_opening_signatory,
        name="rematch_opening",
    ),
    path("s/<int:signature_id>/", queue.signature_detail, name="signature"),
    path("s/<int:signature_id>/match/", decisions.match, name="match"),
    path("s/<int:signature_id>/unmatch/", decisions.unmatch, name="unmatch"),
    path("s/<int:signature_id>/verify/", decisions.verify, name="verify"),
    path("s/<int:signature_id>/reject/", decisions.reject, name="reject"),
    path("s/<int:signature_id>/reopen/", decisions.reopen, name="reopen"),
    path("s/<int:signature_id>/code/", decisions.issue_code, name="issue_code"),
    path("", include("undersigned.desk.updates")),
    path("", include("undersigned.desk.sharing")),
]

from captcha import views as captcha_views
from django.urls import include, path, re_path

from undersigned.api import lazy

urlpatterns = [
    path("", include("undersigned.web.urls")),
    path("", include("undersigned.verification.urls")),
    path("desk/", include("undersigned.desk.urls")),
    path("", include("undersigned.ledger.urls")),
    path("", include("undersigned.sharing.urls")),
    # Loaded by the first request for it (undersigned.api.lazy).
    re_path(r"^api/v1/", lazy.api_view),
    # The captcha's image alone: no page offers audio or a refresh (one row per request).
    re_path(
        r"^captcha/image/(?P<key>\w+)/$",
        captcha_views.captcha_image,
        name="captcha-image",
        kwargs={"scale": 1},
    ),
    path("", include("undersigned.updates.urls")),
    path("telegram/", include("undersigned.bot.urls")),
]

handler400 = "undersigned.web.errors.bad_request"
handler403 = "undersigned.web.errors.forbidden"
handler404 = "undersigned.web.errors.not_found"
handler500 = "undersigned.web.errors.server_error"

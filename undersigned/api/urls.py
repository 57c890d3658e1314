from undersigned.api.api import api

urlpatterns, _app_name, _namespace = api.urls
app_name = "api"  # ninja reverses its own views under this namespace

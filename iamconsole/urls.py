from django.urls import include, path

urlpatterns = [
    path("", include("console.urls")),
    path("", include("console.policy_urls")),
    path("", include("directory.urls")),
]

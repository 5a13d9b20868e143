from django.urls import include, path

urlpatterns = [
    path("s3/", include("console.s3_urls")),
    path("", include("console.urls")),
    path("", include("console.policy_urls")),
    path("", include("directory.urls")),
]

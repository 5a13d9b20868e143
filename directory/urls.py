from django.urls import path

from directory import views

urlpatterns = [
    path("directory/", views.signin, name="directory_signin"),
    path("directory/saml/metadata.xml", views.saml_metadata, name="directory_saml_metadata"),
    path(
        "directory/.well-known/openid-configuration",
        views.openid_configuration,
        name="directory_openid_configuration",
    ),
    path("directory/oidc/jwks.json", views.jwks, name="directory_jwks"),
    path("directory/oidc/token", views.token, name="directory_token"),
]

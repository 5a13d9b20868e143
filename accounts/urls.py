from django.urls import path

from accounts.views import dashboard, signin

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("account-alias/", dashboard.edit_alias, name="edit_alias"),
    path("account-alias/delete/", dashboard.delete_alias, name="delete_alias"),
    path("signin/", signin.signin, name="signin"),
    path("signin/root/", signin.signin_root, name="signin_root"),
    path("signin/iam/", signin.signin_user, name="signin_user_blank"),
    path("signin/new-password/", signin.new_password, name="new_password"),
    path("signin/<str:account>/", signin.signin_user, name="signin_user"),
    path("signout/", signin.signout, name="signout"),
    path("signup/", signin.signup, name="signup"),
]

from django.urls import path

from iamconsole.views import not_built

urlpatterns = [
    # Policies (policies/views.py) and the policy simulator (policies/simulator views)
    path("policies/", not_built, name="policy_list"),
    path("simulator/", not_built, name="simulator"),
]

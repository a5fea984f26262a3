"""The public policy pages: 이용약관 and 개인정보처리방침, in force and by version."""

from django.urls import path

from bizshop.accounts import views

app_name = "policies"
urlpatterns = [
    path("terms/", views.policy_document, {"document": "terms"}, name="terms"),
    path("terms/<str:version>/", views.policy_document, {"document": "terms"}, name="terms-version"),
    path("privacy/", views.policy_document, {"document": "privacy"}, name="privacy"),
    path("privacy/<str:version>/", views.policy_document, {"document": "privacy"}, name="privacy-version"),
]

"""Portal pages of partners: sign-up, 파트너정보, members, API keys, 탈퇴."""

from django.urls import path

from bizshop.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.info, name="info"),
    path("signup/", views.signup, name="signup"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/role/", views.member_role, name="member-role"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("keys/", views.api_keys, name="api-keys"),
    path("keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("withdrawal/", views.withdrawal, name="withdrawal"),
]

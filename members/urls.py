from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("due/", views.DueListView.as_view(), name="due_list"),
    path("admit/", views.MemberAdmitView.as_view(), name="member_admit"),
    path("transfer-in/", views.MemberTransferInView.as_view(), name="member_transfer_in"),
    path("candidates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/new/", views.CandidateCreateView.as_view(), name="candidate_create"),
    path("candidates/<int:pk>/", views.CandidateUpdateView.as_view(), name="candidate_update"),
    path("candidates/<int:pk>/admit/", views.CandidateAdmitView.as_view(), name="candidate_admit"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/correct/", views.MemberCorrectView.as_view(), name="member_correct"),
    path("<int:pk>/official/", views.MemberMakeOfficialView.as_view(), name="member_make_official"),
    path(
        "<int:pk>/transfer-out/", views.MemberTransferOutView.as_view(), name="member_transfer_out"
    ),
    path("<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("events/<int:pk>/correct/", views.MemberEventCorrectView.as_view(), name="event_correct"),
]

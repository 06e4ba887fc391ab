from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config.views import TwoFactorVerifyView, TwoFactorView
from reports.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Every user changes their own password (an administrator sets one in the admin).
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("accounts/two-factor/verify/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("members/", include("members.urls")),
    path("organizations/", include("organizations.urls")),
    path("unions/", include("unions.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

# The portal's own refusal pages, in the layout and the user's language (config/refusals.py).
handler400 = "config.refusals.bad_request"
handler403 = "config.refusals.permission_denied"
handler404 = "config.refusals.page_not_found"
handler500 = "config.refusals.server_error"

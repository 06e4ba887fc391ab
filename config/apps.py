from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created


class PortalAdminConfig(AdminConfig):
    """The admin with the portal's site; `config` is not an app of its own, so the project's
    start-up hooks live here too."""

    default_site = "config.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        from config.middleware import stamp_login
        from config.names import register_sqlite_functions
        from config.twofactor import mark_pending

        user_logged_in.connect(stamp_login, dispatch_uid="portal_stamp_login")
        user_logged_in.connect(mark_pending, dispatch_uid="portal_two_factor_pending")
        connection_created.connect(register_sqlite_functions, dispatch_uid="portal_sqlite_fold")
